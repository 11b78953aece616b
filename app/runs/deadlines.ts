import { deadlineVerdict, isEnded, timedOut, type RunDocument, type RunState } from '../../domain/run.js';
import type { AppConfig } from '../config/app-config.js';
import type { DocumentStore, Versioned } from '../ports/document-store.js';
import { cancelForDeletedGroup } from './drain.js';
import { findGroupOf, findRun } from './load-run.js';
import { changeRun, type RunChange, type RunChangePorts } from './transitions.js';

/** What timing a run out needs: the run's change, and the queued-run timeout. */
export interface RunTimeoutPorts extends RunChangePorts {
  config: Pick<AppConfig, 'QUEUED_RUN_TIMEOUT_MINUTES'>;
}

/** What the watchdog's check needs besides: the run's group (a queued run of a deleted group ends Cancelled). */
export interface RunDeadlineCheckPorts extends RunTimeoutPorts {
  /** groups */
  store: DocumentStore;
}

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
export async function checkRunDeadline(deps: RunDeadlineCheckPorts, target: DeadlineTarget): Promise<DeadlineCheck> {
  const run = await findRun(deps, target.environmentId, target.runId);
  if (!run) return { done: 'Missing' };
  const { run: after, wakeAt } = await timeOutIfDue(deps, run);
  if (isEnded(after.state)) return { done: after.state };
  if (after.state === 'Queued' && !(await findGroupOf(deps, after.environmentId, after.groupId))) {
    const { run: cancelled } = await cancelForDeletedGroup(deps, after);
    return { done: cancelled.state };
  }
  return wakeAt ? { wakeAt } : { done: after.state };
}

/**
 * Times the run out if one of its deadlines has passed (queued too long: `NoCandidateMachine`; running too long:
 * `RunTimeout`, and its bot is told to stop); otherwise says when the next deadline falls. Used by the run's
 * watchdog and by the stuck-run sweep (for deadlines a watchdog missed).
 */
export async function timeOutIfDue(deps: RunTimeoutPorts, run: Versioned<RunDocument>): Promise<RunChange & { wakeAt?: string; code?: string }> {
  let wakeAt: string | undefined;
  let code: string | undefined;
  const change = await changeRun(deps, run, (current, now) => {
    const verdict = deadlineVerdict(current, now, deps.config.QUEUED_RUN_TIMEOUT_MINUTES);
    wakeAt = verdict.kind === 'wakeAt' ? verdict.at : undefined;
    code = verdict.kind === 'timeOut' ? verdict.error.code : undefined;
    return verdict.kind === 'timeOut' ? timedOut(current, verdict.error, now) : undefined;
  });
  return { ...change, ...(wakeAt ? { wakeAt } : {}), ...(change.changed && code ? { code } : {}) };
}
