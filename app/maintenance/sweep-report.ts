import type { MaintenanceActionDocument, Sweep } from '../../domain/maintenance.js';

/** What one firing of a sweep did: for the timer's log line and for tests. */
export interface SweepReport {
  sweep: Sweep;
  /** environments the sweep went through */
  environments: number;
  /** environments skipped because another instance of the sweep held them */
  skipped: number;
  actions: MaintenanceActionDocument[];
}

export function summariseSweep(report: SweepReport): string {
  const counts = new Map<string, number>();
  for (const a of report.actions) counts.set(a.action, (counts.get(a.action) ?? 0) + 1);
  const actions = [...counts].map(([k, v]) => `${k}=${v}`).join(' ');
  return `maintenance.${report.sweep} environments=${report.environments} skipped=${report.skipped} actions=${report.actions.length}${actions ? ` ${actions}` : ''}`;
}

/** The timer's log lines for one firing: the summary, then one line per action. */
export function sweepLogLines(report: SweepReport): string[] {
  return [
    summariseSweep(report),
    ...report.actions.map(
      (a) =>
        `maintenance.${a.action} environmentId=${a.environmentId} reason=${a.reason}${a.groupId ? ` groupId=${a.groupId}` : ''}${a.botId ? ` botId=${a.botId}` : ''}${a.runId ? ` runId=${a.runId}` : ''}`,
    ),
  ];
}

/** How long a sweep holds an environment at most: a crashed instance's environments are free again after this. */
export const SWEEP_LEASE_SECONDS = 600;
