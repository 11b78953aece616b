import * as df from 'durable-functions';
import type { OrchestrationContext, Task } from 'durable-functions';
import { z } from 'zod';
import type { DeadlineTarget } from '../app/runs/deadlines.js';

/** The watchdog's Durable function names, in one place. */
export const RUN_WATCHDOG = {
  orchestration: 'runWatchdog',
  checkActivity: 'checkRunDeadline',
} as const;

const inputSchema = z.object({
  environmentId: z.string(),
  runId: z.string(),
  /** when to look at the run next (ISO 8601) */
  wakeAt: z.string(),
});
export type RunWatchdogInput = z.infer<typeof inputSchema>;

const targetSchema = z.object({ environmentId: z.string().min(1), runId: z.string().min(1) });

/** The check activity's input, validated (activities receive `unknown`). */
export function parseDeadlineTarget(input: unknown): DeadlineTarget {
  return targetSchema.parse(input);
}

/** what `checkRunDeadline` answers (DeadlineCheck), as the orchestrator reads it back from history */
const checkSchema = z.union([z.object({ done: z.string() }), z.object({ wakeAt: z.string() })]);

/** How long to wait before looking again when the check activity keeps failing (the store is down, say). */
const RETRY_AFTER_FAILURE_MS = 60_000;

/**
 * Since the run-deadline sweep (app/maintenance/run-deadlines.ts) no watchdog is started; the
 * orchestration stays registered so that the instances an earlier version started finish after a deploy.
 *
 * One run's deadlines, with Durable timers only: sleep until `wakeAt`, let the activity time the run out or say
 * when to look again, and continue as new (each execution is one timer and one activity, so history stays small).
 * Nobody needs to signal it: while the run is queued the activity never answers a wake-up later than the run's
 * own timeout, so the running deadline is never overslept (see `deadlineVerdict`).
 * Deterministic: time from `currentUtcDateTime`, no I/O but the activity.
 */
export function* runWatchdog(context: OrchestrationContext): Generator<Task, unknown, unknown> {
  const input = inputSchema.parse(context.df.getInput());
  yield context.df.createTimer(new Date(input.wakeAt));
  let check: z.infer<typeof checkSchema>;
  try {
    const retry = new df.RetryOptions(2_000, 3);
    retry.backoffCoefficient = 2;
    check = checkSchema.parse(
      yield context.df.callActivityWithRetry(RUN_WATCHDOG.checkActivity, retry, { environmentId: input.environmentId, runId: input.runId }),
    );
  } catch {
    const later = new Date(context.df.currentUtcDateTime.getTime() + RETRY_AFTER_FAILURE_MS).toISOString();
    context.df.continueAsNew({ ...input, wakeAt: later } satisfies RunWatchdogInput);
    return undefined;
  }
  if ('wakeAt' in check) {
    context.df.continueAsNew({ ...input, wakeAt: check.wakeAt } satisfies RunWatchdogInput);
    return undefined;
  }
  return { runId: input.runId, state: check.done };
}
