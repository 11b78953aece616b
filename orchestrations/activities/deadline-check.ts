import type { RunDocument } from '../../domain/run.js';
import { runLogLine } from '../../app/observability/run-log.js';
import { checkRunDeadline, type DeadlineCheck } from '../../app/runs/deadlines.js';
import type { RunStore } from '../../app/runs/run-store.js';
import { parseDeadlineTarget } from '../run-watchdog.js';
import type { ActivityLog } from './activity-log.js';

/** What the check needs: what checking the deadline needs, and the run (its log line after a time-out). */
export type DeadlineCheckPorts = Parameters<typeof checkRunDeadline>[0] & { runs: Pick<RunStore, 'docs'> };

/** The run watchdog's check: times the run out when its deadline passed (logged), or says when to look again. */
export async function deadlineCheckActivity(deps: DeadlineCheckPorts, input: unknown, log: Pick<ActivityLog, 'warn'>): Promise<DeadlineCheck> {
  const target = parseDeadlineTarget(input);
  const check = await checkRunDeadline(deps, target);
  if ('done' in check && check.done === 'TimedOut') {
    const run = await deps.runs.docs.get<RunDocument>(target.environmentId, target.runId);
    if (run) log.warn(runLogLine('timedOut', run, { code: run.error?.code }));
  }
  return check;
}
