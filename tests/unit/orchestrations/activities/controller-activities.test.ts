import { describe, expect, it } from 'vitest';
import type { BotLifecycleInput } from '../../../../orchestrations/bot-lifecycle-types.js';
import { signalBotsActivity, startBotsActivity, wakeControllerActivity } from '../../../../orchestrations/activities/controller-activities.js';
import type { ControllerSignals } from '../../../../orchestrations/activities/controller-signals.js';

/** ControllerSignals that record what the activities asked for. */
function recordingSignals() {
  const calls: Array<[keyof ControllerSignals, unknown]> = [];
  const signals: ControllerSignals = {
    startBotLifecycles: async (inputs) => void calls.push(['startBotLifecycles', inputs]),
    signalBots: async (s) => void calls.push(['signalBots', s]),
    wakeController: async (environmentId) => void calls.push(['wakeController', environmentId]),
  };
  return { signals, calls };
}

const lifecycle = { environmentId: 'env', groupId: 'g', botId: 'b', phase: 'provision' } as unknown as BotLifecycleInput;

describe('the controller activities, on a ControllerSignals port', () => {
  it('start the lifecycles they are given, once each, in order', async () => {
    const { signals, calls } = recordingSignals();
    await startBotsActivity(signals, [lifecycle, { ...lifecycle, botId: 'c' }]);
    expect(calls).toEqual([['startBotLifecycles', [lifecycle, { ...lifecycle, botId: 'c' }]]]);
  });

  it('send the signals they are given, and wake the environment named in their input', async () => {
    const { signals, calls } = recordingSignals();
    await signalBotsActivity(signals, [{ botId: 'b', event: 'release', data: 'Idle' }]);
    await wakeControllerActivity(signals, { environmentId: 'env' });
    expect(calls).toEqual([
      ['signalBots', [{ botId: 'b', event: 'release', data: 'Idle' }]],
      ['wakeController', 'env'],
    ]);
  });

  it('refuse malformed input before touching the Durable side', async () => {
    const { signals, calls } = recordingSignals();
    await expect(startBotsActivity(signals, [{ botId: 'b' }])).rejects.toThrow();
    await expect(signalBotsActivity(signals, [{ event: 'release' }])).rejects.toThrow();
    await expect(wakeControllerActivity(signals, {})).rejects.toThrow();
    expect(calls).toEqual([]);
  });
});
