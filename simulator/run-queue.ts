import { byDispatchKey, dispatchKeyOf } from '../shared/domain/run.js';
import type { SimRun } from './model.js';

/**
 * One group's queue of waiting runs, kept in the product's dispatch order: the run document's
 * `dispatchKeyOf` and the store's `ORDER BY c.dispatchKey` (`byDispatchKey`) from shared/domain/run.ts, so
 * priority, then time queued, decide which run a free bot takes, exactly as a claim does.
 */
export const iso = (ms: number): string => new Date(ms).toISOString();

export function keyOf(run: Pick<SimRun, 'id' | 'state' | 'priority' | 'queuedAt' | 'startedAt' | 'endedAt'>): string {
  return dispatchKeyOf({
    id: run.id,
    state: run.state,
    priority: run.priority,
    queuedAt: iso(run.queuedAt),
    ...(run.startedAt === undefined ? {} : { startedAt: iso(run.startedAt) }),
    ...(run.endedAt === undefined ? {} : { endedAt: iso(run.endedAt) }),
  });
}

export class RunQueue {
  private readonly runs: SimRun[] = [];

  get length(): number {
    return this.runs.length;
  }

  /** The run a claim takes next (the first in dispatch order). */
  first(): SimRun | undefined {
    return this.runs[0];
  }

  add(run: SimRun): void {
    let lo = 0;
    let hi = this.runs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const other = this.runs[mid];
      if (other !== undefined && byDispatchKey(other, run) <= 0) lo = mid + 1;
      else hi = mid;
    }
    this.runs.splice(lo, 0, run);
  }

  take(): SimRun | undefined {
    return this.runs.shift();
  }

  remove(run: SimRun): boolean {
    const i = this.runs.indexOf(run);
    if (i < 0) return false;
    this.runs.splice(i, 1);
    return true;
  }

  /** The earliest queuedAt of the waiting runs (not always the first in dispatch order). */
  oldestQueuedAt(): number | undefined {
    let oldest: number | undefined;
    for (const r of this.runs) if (oldest === undefined || r.queuedAt < oldest) oldest = r.queuedAt;
    return oldest;
  }
}
