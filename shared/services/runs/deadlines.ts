import type { Services } from '../../composition/services.js';
import { deadlineVerdict, isEnded, RUN_ERROR_CODES, timedOut, type RunState } from '../../domain/run.js';
import { findGroupOf, findRun } from './load-run.js';
import { changeRun, endQueuedRun } from './transitions.js';

export interface DeadlineTarget {
  environmentId: string;
  runId: string;
}

/** What the watchdog does next: stop (the run ended, or is gone), or sleep until `wakeAt`. */
export type DeadlineCheck = { done: RunState | 'Missing' } | { wakeAt: string };

/**
 * The run watchdog's activity: times the run out if a deadline has passed (queued too long: `NoCandidateMachine`;
 * running too long: `RunTimeout`, and its bot is told to stop), and says when to look again. A queued run whose
 * group a user deleted in the meantime ends Cancelled (`GroupDeleted`).
 * Cost: one point read (two for a run still queued: its group too), plus one replace when it ends the run.
 */
export async function checkRunDeadline(deps: Services, target: DeadlineTarget): Promise<DeadlineCheck> {
  const run = await findRun(deps, target.environmentId, target.runId);
  if (!run) return { done: 'Missing' };
  let wakeAt: string | undefined;
  const { run: after } = await changeRun(deps, run, (current, now) => {
    const verdict = deadlineVerdict(current, now, deps.config.QUEUED_RUN_TIMEOUT_MINUTES);
    wakeAt = verdict.kind === 'wakeAt' ? verdict.at : undefined;
    return verdict.kind === 'timeOut' ? timedOut(current, verdict.error, now) : undefined;
  });
  if (isEnded(after.state)) return { done: after.state };
  if (after.state === 'Queued' && !(await findGroupOf(deps, after.environmentId, after.groupId))) {
    const { run: cancelled } = await endQueuedRun(deps, after, { code: RUN_ERROR_CODES.groupDeleted, message: 'The group was deleted before the run started.' });
    return { done: cancelled.state };
  }
  return wakeAt ? { wakeAt } : { done: after.state };
}
