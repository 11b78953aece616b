import type { OrchestrationContext, Task } from 'durable-functions';
import type { BotLifecycleInput, BotRef, DrainSignal, ProvisionOutcome, ServeState } from './bot-lifecycle-types.js';
import { activityRetry as retry } from './activity-retry.js';
import { BOT_ACTIVITIES, BOT_EVENTS, restartDelaySeconds } from './names.js';

const PHASE_STATES = { provision: 'Provisioning', serve: 'Ready', busy: 'Ready', teardown: 'Deprovisioning' } as const;

/** The serve phase's safety timer when the input has none (lifecycles started before agents took dispatch over). */
export const SERVE_CHECK_SECONDS = 600;

const at = (context: OrchestrationContext, seconds: number) => new Date(context.df.currentUtcDateTime.getTime() + seconds * 1000);

function refOf(input: BotLifecycleInput): BotRef {
  return { environmentId: input.environmentId, groupId: input.groupId, botId: input.botId };
}

function isDrainSignal(value: unknown): value is DrainSignal {
  return typeof value === 'object' && value !== null && ((value as DrainSignal).mode === 'reprovision' || (value as DrainSignal).mode === 'teardown');
}

/** Provision with retries and back-off; the activity records every failure on the group and says if a retry may help. */
function* provision(context: OrchestrationContext, input: BotLifecycleInput): Generator<Task, boolean, unknown> {
  const { timings } = input;
  let reason = 'ProvisioningFailed';
  for (let attempt = 1; attempt <= timings.provisionMaxAttempts; attempt++) {
    const outcome = (yield context.df.callActivityWithRetry(BOT_ACTIVITIES.provision, retry(), refOf(input))) as ProvisionOutcome;
    if (outcome.ok) return true;
    reason = outcome.reason;
    if (!outcome.retryable || attempt === timings.provisionMaxAttempts) break;
    const backoff = Math.min(timings.provisionBackoffBaseSeconds * 2 ** (attempt - 1), timings.provisionBackoffMaxSeconds);
    yield context.df.createTimer(at(context, backoff));
  }
  yield context.df.callActivityWithRetry(BOT_ACTIVITIES.markFailed, retry(), { ...refOf(input), reason });
  return false;
}

/**
 * One bot's life: provision (with retries) → serve → drain → teardown. While it serves, its agent takes runs from
 * the group queue itself (docs/agent.md): the lifecycle only waits for a release or a drain, and a bot whose record
 * says Busy finishes its run before it goes. Each wait is one execution (`continueAsNew`), so history stays small.
 * Time comes only from `currentUtcDateTime`; everything with side effects is an activity.
 */
export function* botLifecycle(context: OrchestrationContext): Generator<Task, unknown, unknown> {
  // `restarts` counts consecutive phase restarts; a phase that completes continues without it
  const { restarts = 0, ...input } = context.df.getInput() as BotLifecycleInput;
  // the custom status is the bot's state, as GET .../groups/{id}/bots shows it from the bot's record
  context.df.setCustomStatus({ state: PHASE_STATES[input.phase], phase: input.phase, ...(restarts > 0 ? { restarts } : {}) });
  try {
    return yield* phase(context, input);
  } catch (err) {
    // An activity failed even after its retries (the store was unavailable for longer). A failed lifecycle would
    // leave its bot holding a slot and its run Running for ever: the phase starts over later instead (every activity
    // of a phase is idempotent; a claim retried after it succeeded resumes the same run), backing off, and says so.
    const message = err instanceof Error ? err.message : String(err);
    const delay = restartDelaySeconds(restarts);
    if (!context.df.isReplaying)
      context.warn(`bot ${input.botId}: phase ${input.phase} failed (${message.slice(0, 300)}); restart ${restarts + 1} in ${delay} s`);
    context.df.setCustomStatus({ state: PHASE_STATES[input.phase], phase: input.phase, restarts: restarts + 1, lastError: message.slice(0, 300) });
    yield context.df.createTimer(at(context, delay));
    context.df.continueAsNew({ ...input, restarts: restarts + 1 });
    return undefined;
  }
}

/** Best effort: the controller also plans on its own timer, so a lost wake-up only delays the next plan. */
function* wakeController(context: OrchestrationContext, input: BotLifecycleInput): Generator<Task, void, unknown> {
  try {
    yield context.df.callActivityWithRetry(BOT_ACTIVITIES.wakeController, retry(), refOf(input));
  } catch {
    // the controller's safety timer plans again within CONTROLLER_INTERVAL_SECONDS
  }
}

function* phase(context: OrchestrationContext, input: BotLifecycleInput): Generator<Task, unknown, unknown> {
  if (input.phase === 'provision') {
    const ok = yield* provision(context, input);
    yield* wakeController(context, input);
    if (!ok) return { botId: input.botId, outcome: 'Failed' };
    context.df.continueAsNew({ ...input, phase: 'serve', pendingDrain: undefined });
    return undefined;
  }

  if (input.phase === 'teardown') {
    yield context.df.callActivityWithRetry(BOT_ACTIVITIES.deprovision, retry(), { ...refOf(input), reason: input.reason ?? 'Released' });
    yield* wakeController(context, input);
    return { botId: input.botId, outcome: 'Deleted', reason: input.reason };
  }

  // serve (and `busy`, an input of a lifecycle started before agents took dispatch over): between provisioning and teardown
  yield* serve(context, input);
  return undefined;
}

/**
 * One serve round: write a release or drain that came as an event on the record (the agent's claim then refuses the
 * bot), read the record, and go when the bot holds no run; otherwise wait for an event or the safety timer. A bot that
 * must wait for its run is woken by the finish (which raises RunFinished only for a record with a pending release or
 * drain) or re-reads after healthCheckSeconds; an idle one re-reads after serveCheckSeconds.
 */
function* serve(context: OrchestrationContext, input: BotLifecycleInput): Generator<Task, void, unknown> {
  const { pendingRelease, pendingDrain, ...rest } = input;
  const base: BotLifecycleInput = { ...rest, phase: 'serve' };
  const state = (yield context.df.callActivityWithRetry(BOT_ACTIVITIES.serveState, retry(), {
    ...refOf(input),
    ...(pendingRelease === undefined ? {} : { release: pendingRelease }),
    ...(pendingDrain === 'teardown' ? { release: input.reason ?? 'Drained' } : {}),
    ...(pendingDrain === 'reprovision' ? { drain: 'reprovision' } : {}),
  })) as ServeState;
  if (state.gone) {
    // a bot marked lost (or removed) behind its lifecycle's back: tear down what may be left
    context.df.continueAsNew({ ...base, phase: 'teardown', reason: 'BotGone' });
    return;
  }
  if (!state.busy && state.release !== undefined) {
    context.df.continueAsNew({ ...base, phase: 'teardown', reason: state.release });
    return;
  }
  if (!state.busy && state.drain === 'reprovision') {
    yield context.df.callActivityWithRetry(BOT_ACTIVITIES.deprovision, retry(), { ...refOf(input), reason: 'ImageChanged', keepRecord: true });
    context.df.continueAsNew({ ...base, phase: 'provision', reason: undefined });
    return;
  }

  const waitsForRun = state.busy && (state.release !== undefined || state.drain !== undefined);
  const finished = context.df.waitForExternalEvent(BOT_EVENTS.runFinished);
  const release = context.df.waitForExternalEvent(BOT_EVENTS.release);
  const drain = context.df.waitForExternalEvent(BOT_EVENTS.drain);
  const seconds = waitsForRun ? input.timings.healthCheckSeconds : (input.timings.serveCheckSeconds ?? SERVE_CHECK_SECONDS);
  const timer = context.df.createTimer(at(context, seconds));
  const winner: unknown = yield context.df.Task.any([finished, release, drain, timer]);
  if (winner !== timer) timer.cancel();
  if (winner === release) {
    context.df.continueAsNew({ ...base, pendingRelease: typeof release.result === 'string' ? release.result : 'Released' });
    return;
  }
  if (winner === drain) {
    const signal = isDrainSignal(drain.result) ? drain.result : { mode: 'teardown' as const, reason: 'Drained' };
    context.df.continueAsNew({ ...base, pendingDrain: signal.mode, reason: signal.reason });
    return;
  }
  context.df.continueAsNew(base);
}
