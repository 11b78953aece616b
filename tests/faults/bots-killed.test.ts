import { describe, expect, it } from 'vitest';
import { provisioningFailures, sized, sleep, useFaultWorld } from './fault-world.js';
import { playScenario } from './scenario.js';

/** Long enough that a VM deleted within a second of its run's start (the agent notices within 1 s) dies mid-run. */
const LONG_FLOW = [{ wait: { ms: 4_000 } }, { output: { name: 'invoice', value: '42' } }];

/**
 * Bots die mid-run (their VM is deleted under them: the simulated VM's agent stops without reporting) while three
 * provisionings in ten fail. Lost bots are found by their missing heartbeats, their runs go back to the queue (or
 * fail with BotLost after three attempts), failed provisionings are retried or the bot is replaced.
 */
const world = useFaultWorld({ LOCAL_PROVISION_FAILURE_RATE: '0.3' });

describe('faults: bots killed mid-run, 30 % of provisionings failing', () => {
  it('ends every run, never on two bots at once, within the limits, and leaves no VM behind', async () => {
    let killed = 0;
    const maxKills = sized(3, 10);
    await playScenario(world(), {
      name: 'bots killed mid-run + 30% provisioning failures',
      capacity: 4,
      maxBots: [3, 2],
      runs: sized(14, 60),
      concurrency: 4,
      steps: LONG_FLOW,
      endTimeoutMs: sized(120_000, 300_000),
      inject: async ({ envId, active, world: w }) => {
        while (active() && killed < maxKills) {
          await sleep(500);
          const [runs, vms] = await Promise.all([w.store.runsOf(envId), w.store.vmsOf(envId)]);
          // a bot whose run started less than a second ago: its agent is sure to be in the middle of the flow
          const justStarted = new Set(
            runs.filter((r) => r.state === 'Running' && r.botId && Date.now() - Date.parse(r.startedAt ?? '') < 1_000).map((r) => r.botId),
          );
          const victim = vms.find((vm) => justStarted.has(vm.botId));
          if (!victim) continue;
          await w.store.deleteVm(victim).then(
            () => killed++,
            () => undefined,
          );
        }
      },
      faults: async ({ world: w, envId }) => ({
        botsKilledMidRun: killed,
        provisioningFailures: await provisioningFailures(w, envId),
      }),
    });
    expect(killed, 'bots killed mid-run').toBeGreaterThan(0);
    expect(
      world().logs.some((l) => /run\.(requeued|failed) |maintenance\.botLost .*runId=/.test(l)),
      'a lost bot’s run taken back',
    ).toBe(true);
  }, 480_000);
});
