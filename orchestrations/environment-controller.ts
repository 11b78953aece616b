import type { OrchestrationContext, Task } from 'durable-functions';
import type { BotLifecycleInput } from './bot-lifecycle-types.js';
import { activityRetry as retry } from './activity-retry.js';
import { CONTROLLER_ACTIVITIES, CONTROLLER_EVENTS, CONTROLLER_MIN_ROUND_INTERVAL_MS, restartDelaySeconds } from './names.js';

export interface ControllerInput {
  environmentId: string;
  /** consecutive failed planning rounds (see restartDelaySeconds) */
  restarts?: number;
  /** planning rounds this instance made or attempted so far (custom status `rounds`: how often the controller plans) */
  rounds?: number;
}

/** What one planning round decided, as the plan activity returns it (decisions are already recorded). */
export interface PlanningRound {
  /** new bots to start (their records exist already, state Provisioning) */
  start: BotLifecycleInput[];
  /** events for running bot lifecycles: Release, Drain, Work */
  signals: Array<{ botId: string; event: string; data?: unknown }>;
  /** the safety-net timer: plan again after this long even if nothing wakes the controller */
  nextWakeSeconds: number;
  /** false once the environment is gone: the controller ends */
  active: boolean;
}

/**
 * The controller of one environment: plans, applies the plan (start bot lifecycles, signal releases and
 * drains), then sleeps until woken (run queued or ended, group edited, bot state changed) or until its safety
 * timer fires, and continues as new; wake-ups within a second of a round are coalesced into the next one. The
 * planning itself (a pure function) runs in an activity.
 */
export function* environmentController(context: OrchestrationContext): Generator<Task, unknown, unknown> {
  // `restarts` counts consecutive failed rounds; a round that completes continues without it
  const { restarts = 0, rounds = 0, ...input } = context.df.getInput() as ControllerInput;
  let round: PlanningRound;
  try {
    round = (yield context.df.callActivityWithRetry(CONTROLLER_ACTIVITIES.plan, retry(), input)) as PlanningRound;
    if (!round.active) return { environmentId: input.environmentId, stopped: true };
    if (round.start.length > 0) yield context.df.callActivityWithRetry(CONTROLLER_ACTIVITIES.startBots, retry(), round.start);
    if (round.signals.length > 0) yield context.df.callActivityWithRetry(CONTROLLER_ACTIVITIES.signalBots, retry(), round.signals);
    yield context.df.callActivity(CONTROLLER_ACTIVITIES.recordHistory, { environmentId: input.environmentId });
  } catch (err) {
    // an activity failed even after its retries (the store was unavailable for longer): plan again later rather
    // than end the controller (nothing would plan for the environment until the next wake-up restarts it)
    const message = err instanceof Error ? err.message : String(err);
    const delay = restartDelaySeconds(restarts);
    if (!context.df.isReplaying)
      context.warn(`controller ${input.environmentId}: planning round failed (${message.slice(0, 300)}); restart ${restarts + 1} in ${delay} s`);
    context.df.setCustomStatus({ restarts: restarts + 1, lastError: message.slice(0, 300) });
    yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + delay * 1000));
    context.df.continueAsNew({ ...input, restarts: restarts + 1, rounds: rounds + 1 });
    return undefined;
  }
  const plannedAt = context.df.currentUtcDateTime;
  context.df.setCustomStatus({ lastPlanAt: plannedAt.toISOString(), rounds: rounds + 1, started: round.start.length, signals: round.signals.length });

  // coalesce: no wake-up starts a round within CONTROLLER_MIN_ROUND_INTERVAL_MS of this one. Wake-ups raised during
  // the interval are kept by the orchestration (events wait for their waitForExternalEvent within one execution)
  // and the first one ends the wait below at once; the rest are dropped at continueAsNew, which loses nothing since
  // the next round reads the state they announced.
  yield context.df.createTimer(new Date(plannedAt.getTime() + CONTROLLER_MIN_ROUND_INTERVAL_MS));
  const wake = context.df.waitForExternalEvent(CONTROLLER_EVENTS.wake);
  const timer = context.df.createTimer(new Date(Math.max(plannedAt.getTime() + round.nextWakeSeconds * 1000, context.df.currentUtcDateTime.getTime())));
  const winner: unknown = yield context.df.Task.any([wake, timer]);
  if (winner !== timer) timer.cancel();
  context.df.continueAsNew({ ...input, rounds: rounds + 1 });
  return undefined;
}
