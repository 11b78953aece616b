import type { OrchestrationContext, Task } from 'durable-functions';
import type { BotLifecycleInput, BotRef, ClaimResult, DrainSignal, HealthResult, ProvisionOutcome } from './bot-lifecycle-types.js';
import { activityRetry as retry } from './activity-retry.js';
import { BOT_ACTIVITIES, BOT_EVENTS, restartDelaySeconds } from './names.js';

const PHASE_STATES = { provision: 'Provisioning', serve: 'Ready', busy: 'Busy', teardown: 'Deprovisioning' } as const;

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
 * Busy: wait once for the run to finish, a drain, or the next health check, then continue as new. One wait
 * per execution: a waiter left over from a lost race would otherwise take the next event of its name.
 */
function* busy(context: OrchestrationContext, input: BotLifecycleInput): Generator<Task, BotLifecycleInput, unknown> {
  const finished = context.df.waitForExternalEvent(BOT_EVENTS.runFinished);
  const drain = context.df.waitForExternalEvent(BOT_EVENTS.drain);
  const check = context.df.createTimer(at(context, input.timings.healthCheckSeconds));
  const winner: unknown = yield context.df.Task.any([finished, drain, check]);
  if (winner !== check) check.cancel();
  if (winner === finished) {
    yield context.df.callActivityWithRetry(BOT_ACTIVITIES.markIdle, retry(), refOf(input));
    return { ...input, phase: 'serve' };
  }
  if (winner === drain) {
    // the running run finishes first; then the bot reprovisions or goes
    const mode = isDrainSignal(drain.result) ? drain.result.mode : 'teardown';
    return { ...input, pendingDrain: input.pendingDrain === 'teardown' ? 'teardown' : mode };
  }
  const health = (yield context.df.callActivityWithRetry(BOT_ACTIVITIES.checkHealth, retry(), refOf(input))) as HealthResult;
  if (health.healthy && health.runEnded) {
    // the run ended without its RunFinished event reaching us (lost, or the watchdog ended it): go idle
    yield context.df.callActivityWithRetry(BOT_ACTIVITIES.markIdle, retry(), refOf(input));
    return { ...input, phase: 'serve' };
  }
  if (health.healthy) return input;
  yield context.df.callActivityWithRetry(BOT_ACTIVITIES.recoverLostRun, retry(), { ...refOf(input), reason: health.reason });
  return { ...input, phase: 'teardown', reason: health.reason, pendingDrain: undefined };
}

/**
 * One bot's life: provision (with retries) → serve runs (claim, wait for the agent, idle, claim again) →
 * drain → teardown. Each served run or idle period is one execution (`continueAsNew`), so history stays small.
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
    if (!context.df.isReplaying) context.warn(`bot ${input.botId}: phase ${input.phase} failed (${message.slice(0, 300)}); restart ${restarts + 1} in ${delay} s`);
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

  if (input.phase === 'busy') {
    context.df.continueAsNew(yield* busy(context, input));
    return undefined;
  }

  // serve: between runs
  if (input.pendingDrain) {
    const next = input.pendingDrain === 'reprovision' ? { ...input, phase: 'provision' as const } : { ...input, phase: 'teardown' as const };
    if (input.pendingDrain === 'reprovision') yield context.df.callActivityWithRetry(BOT_ACTIVITIES.deprovision, retry(), { ...refOf(input), reason: 'ImageChanged', keepRecord: true });
    context.df.continueAsNew({ ...next, pendingDrain: undefined, reason: input.pendingDrain === 'teardown' ? (input.reason ?? 'Drained') : undefined });
    return undefined;
  }

  const claim = (yield context.df.callActivityWithRetry(BOT_ACTIVITIES.claimRun, retry(), refOf(input))) as ClaimResult;
  if ('runId' in claim) {
    context.df.continueAsNew({ ...input, phase: 'busy' });
    return undefined;
  }
  // a release or a drain asked while the bot was provisioning or busy is on its record
  if (claim.release) {
    context.df.continueAsNew({ ...input, phase: 'teardown', reason: claim.release });
    return undefined;
  }
  if (claim.drain) {
    context.df.continueAsNew({ ...input, pendingDrain: claim.drain, reason: 'ImageChanged' });
    return undefined;
  }

  const work = context.df.waitForExternalEvent(BOT_EVENTS.work);
  const release = context.df.waitForExternalEvent(BOT_EVENTS.release);
  const drain = context.df.waitForExternalEvent(BOT_EVENTS.drain);
  const poll = context.df.createTimer(at(context, input.timings.idlePollSeconds));
  const winner: unknown = yield context.df.Task.any([work, release, drain, poll]);
  if (winner !== poll) poll.cancel();
  if (winner === release) {
    context.df.continueAsNew({ ...input, phase: 'teardown', reason: typeof release.result === 'string' ? release.result : 'Released' });
    return undefined;
  }
  if (winner === drain) {
    const mode = isDrainSignal(drain.result) ? drain.result.mode : 'teardown';
    context.df.continueAsNew({ ...input, pendingDrain: mode, reason: isDrainSignal(drain.result) ? drain.result.reason : 'Drained' });
    return undefined;
  }
  context.df.continueAsNew({ ...input });
  return undefined;
}
