import type { OrchestrationContext, Task } from 'durable-functions';
import type { BotLifecycleInput } from './bot-lifecycle-types.js';
import { activityRetry as retry } from './activity-retry.js';
import { CONTROLLER_ACTIVITIES, CONTROLLER_EVENTS, restartDelaySeconds } from './names.js';

export interface ControllerInput {
  environmentId: string;
  /** consecutive failed planning rounds (see restartDelaySeconds) */
  restarts?: number;
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
 * timer fires, and continues as new. The planning itself (a pure function) runs in an activity.
 */
export function* environmentController(context: OrchestrationContext): Generator<Task, unknown, unknown> {
  // `restarts` counts consecutive failed rounds; a round that completes continues without it
  const { restarts = 0, ...input } = context.df.getInput() as ControllerInput;
  let round: PlanningRound;
  try {
    round = (yield context.df.callActivityWithRetry(CONTROLLER_ACTIVITIES.plan, retry(), input)) as PlanningRound;
    if (!round.active) return { environmentId: input.environmentId, stopped: true };
    if (round.start.length > 0) yield context.df.callActivityWithRetry(CONTROLLER_ACTIVITIES.startBots, retry(), round.start);
    if (round.signals.length > 0) yield context.df.callActivityWithRetry(CONTROLLER_ACTIVITIES.signalBots, retry(), round.signals);
  } catch (err) {
    // an activity failed even after its retries (the store was unavailable for longer): plan again later rather
    // than end the controller (nothing would plan for the environment until the next wake-up restarts it)
    const message = err instanceof Error ? err.message : String(err);
    const delay = restartDelaySeconds(restarts);
    if (!context.df.isReplaying) context.warn(`controller ${input.environmentId}: planning round failed (${message.slice(0, 300)}); restart ${restarts + 1} in ${delay} s`);
    context.df.setCustomStatus({ restarts: restarts + 1, lastError: message.slice(0, 300) });
    yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + delay * 1000));
    context.df.continueAsNew({ ...input, restarts: restarts + 1 });
    return undefined;
  }
  context.df.setCustomStatus({ lastPlanAt: context.df.currentUtcDateTime.toISOString(), started: round.start.length, signals: round.signals.length });

  const wake = context.df.waitForExternalEvent(CONTROLLER_EVENTS.wake);
  const timer = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + round.nextWakeSeconds * 1000));
  const winner: unknown = yield context.df.Task.any([wake, timer]);
  if (winner !== timer) timer.cancel();
  context.df.continueAsNew(input);
  return undefined;
}
