import type { DurableClient } from 'durable-functions';
import type { BotLifecycleInput } from '../bot-lifecycle-types.js';
import type { ControllerSignals } from './controller-signals.js';
import type { LifecycleSignals } from '../../app/maintenance/lifecycle-signals.js';
import { BOT_EVENTS, botInstanceId, controllerInstanceId, CONTROLLER_EVENTS, ORCHESTRATORS } from '../names.js';
import { bestEffort } from '../../app/errors/best-effort.js';

function isGone(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  // the client's own words for a 404 are "No instance with ID '…' found."
  return /404|410|not found|no instance with id|gone/i.test(message);
}

/** Per environment (and task hub): the wake-up on its way, and the one that follows it, if any caller asked since. */
const wakeSlots = new Map<string, { running: Promise<void>; next?: Promise<void> }>();

/**
 * Wakes the environment's controller, starting it when it is not running (first use, or after it ended).
 * Coalesced per process: while a wake-up of the environment is on its way, every further caller shares the one
 * wake-up sent after it (sent only once the first is done, so after every sharer's change was written: the round it
 * starts sees them all). A burst of a thousand submits so sends a few events, not a thousand, and the controller's
 * history stays short (docs/scaling.md, "Coalesced rounds").
 */
export function wakeController(client: DurableClient, environmentId: string): Promise<void> {
  const key = `${client.taskHubName}/${environmentId}`;
  const slot = wakeSlots.get(key);
  if (!slot) return sendWake(client, environmentId, key);
  slot.next ??= slot.running.then(
    () => sendWake(client, environmentId, key),
    () => sendWake(client, environmentId, key),
  );
  return slot.next;
}

function sendWake(client: DurableClient, environmentId: string, key: string): Promise<void> {
  const running: Promise<void> = raiseWake(client, environmentId).finally(() => {
    const slot = wakeSlots.get(key);
    // a follower, if any, takes the slot over when it starts; otherwise the environment has no wake-up on its way
    if (slot?.running === running && !slot.next) wakeSlots.delete(key);
  });
  wakeSlots.set(key, { running });
  return running;
}

/** Two racing starters are fine: the loser's start fails and its event reaches the winner's instance. */
async function raiseWake(client: DurableClient, environmentId: string): Promise<void> {
  const instanceId = controllerInstanceId(environmentId);
  // no status (unknown instance, or the read failed): start it, and fall back to an event if it runs after all
  // eslint-disable-next-line no-restricted-syntax -- silence is right: see the comment above
  const status = await client.getStatus(instanceId).catch(() => undefined);
  const running = status && ['Running', 'Pending', 'ContinuedAsNew'].includes(String(status.runtimeStatus));
  if (running) {
    await client.raiseEvent(instanceId, CONTROLLER_EVENTS.wake, {});
    return;
  }
  try {
    await client.startNew(ORCHESTRATORS.environmentController, { instanceId, input: { environmentId } });
  } catch {
    await bestEffort(client.raiseEvent(instanceId, CONTROLLER_EVENTS.wake, {}), `waking controller ${environmentId} after a lost start race`);
  }
}

function isAlreadyRunning(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  // the extension answers a start for a running instance id with 500 "… already exists." (not 409)
  return /already exists/i.test(message);
}

/**
 * Starts the lifecycles of the bots a plan created. Idempotent: a lifecycle that a previous attempt of this
 * activity already started (the host died mid-activity, which then runs again) is refused ("already exists") and left alone;
 * otherwise one lost start would fail the controller and leave the rest of the plan's bots without a lifecycle,
 * holding their slots as Provisioning forever.
 */
export async function startBotLifecycles(client: DurableClient, inputs: readonly BotLifecycleInput[]): Promise<void> {
  for (const input of inputs) {
    try {
      await client.startNew(ORCHESTRATORS.botLifecycle, { instanceId: botInstanceId(input.botId), input });
    } catch (err) {
      if (!isAlreadyRunning(err)) throw err;
    }
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

/** The maintenance sweeps' view of the Durable side (see app/maintenance/lifecycle-signals.ts). */
export function durableLifecycleSignals(client: DurableClient): LifecycleSignals {
  return {
    wakeController: (environmentId) => wakeController(client, environmentId),
    releaseBot: (botId, reason) => signalBots(client, [{ botId, event: BOT_EVENTS.release, data: reason }]),
  };
}

/** The controller activities' view of the Durable side (see controller-signals.ts). */
export function durableControllerSignals(client: DurableClient): ControllerSignals {
  return {
    startBotLifecycles: (inputs) => startBotLifecycles(client, inputs),
    signalBots: (signals) => signalBots(client, signals),
    wakeController: (environmentId) => wakeController(client, environmentId),
  };
}
