/**
 * Log lines about a run carry its run id, group id and environment id as `key=value` pairs, so that a query
 * over the traces (Application Insights: `traces | where message has "runId=<id>"`) finds every step of one run,
 * and a group's runs by `groupId=`. Never put inputs, outputs or credentials in them.
 */
export interface RunRef {
  id: string;
  groupId: string;
  environmentId: string;
}

export type RunEvent = 'submitted' | 'claimed' | 'finished' | 'cancelled' | 'timedOut' | 'requeued' | 'failed';

export function runLogLine(event: RunEvent, run: RunRef, detail: Record<string, string | number | boolean | undefined> = {}): string {
  const extra = Object.entries(detail)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${String(v).replace(/\s+/g, '_').slice(0, 100)}`);
  return [`run.${event}`, `runId=${run.id}`, `groupId=${run.groupId}`, `environmentId=${run.environmentId}`, ...extra].join(' ');
}
