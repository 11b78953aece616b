import type { DurableClient } from 'durable-functions';
import type { BotLifecycleInput } from '../bot-lifecycle-types.js';
import { botInstanceId, controllerInstanceId, CONTROLLER_EVENTS, ORCHESTRATORS } from '../names.js';

function isGone(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return /404|410|not found|gone/i.test(message);
}

/**
 * Wakes the environment's controller, starting it when it is not running (first use, or after it ended).
 * Two racing starters are fine: the loser's start fails and its event reaches the winner's instance.
 */
export async function wakeController(client: DurableClient, environmentId: string): Promise<void> {
  const instanceId = controllerInstanceId(environmentId);
  const status = await client.getStatus(instanceId).catch(() => undefined);
  const running = status && ['Running', 'Pending', 'ContinuedAsNew'].includes(String(status.runtimeStatus));
  if (running) {
    await client.raiseEvent(instanceId, CONTROLLER_EVENTS.wake, {});
    return;
  }
  try {
    await client.startNew(ORCHESTRATORS.environmentController, { instanceId, input: { environmentId } });
  } catch {
    await client.raiseEvent(instanceId, CONTROLLER_EVENTS.wake, {}).catch(() => undefined);
  }
}

export async function startBotLifecycles(client: DurableClient, inputs: readonly BotLifecycleInput[]): Promise<void> {
  for (const input of inputs) {
    await client.startNew(ORCHESTRATORS.botLifecycle, { instanceId: botInstanceId(input.botId), input });
  }
}

/** Events for bot lifecycles; a bot that is already gone simply does not get it. */
export async function signalBots(client: DurableClient, signals: ReadonlyArray<{ botId: string; event: string; data?: unknown }>): Promise<void> {
  for (const s of signals) {
    try {
      await client.raiseEvent(botInstanceId(s.botId), s.event, s.data ?? null);
    } catch (err) {
      if (!isGone(err)) throw err;
    }
  }
}
