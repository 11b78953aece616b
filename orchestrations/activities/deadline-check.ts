import type { Services } from '../../shared/composition/services.js';
import type { RunDocument } from '../../shared/domain/run.js';
import { runLogLine } from '../../shared/observability/run-log.js';
import { checkRunDeadline, type DeadlineCheck } from '../../shared/services/runs/deadlines.js';
import { parseDeadlineTarget } from '../run-watchdog.js';
import type { ActivityLog } from './activity-log.js';

/** The run watchdog's check: times the run out when its deadline passed (logged), or says when to look again. */
export async function deadlineCheckActivity(deps: Services, input: unknown, log: Pick<ActivityLog, 'warn'>): Promise<DeadlineCheck> {
  const target = parseDeadlineTarget(input);
  const check = await checkRunDeadline(deps, target);
  if ('done' in check && check.done === 'TimedOut') {
    const run = await deps.runs.docs.get<RunDocument>(target.environmentId, target.runId);
    if (run) log.warn(runLogLine('timedOut', run, { code: run.error?.code }));
  }
  return check;
}
