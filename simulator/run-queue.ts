import { byDispatchKey, dispatchKeyOf } from '../shared/domain/run.js';
import type { SimRun } from './model.js';

/**
 * One group's queue of waiting runs, kept in the product's dispatch order: the run document's
 * `dispatchKeyOf` and the store's `ORDER BY c.dispatchKey` (`byDispatchKey`) from shared/domain/run.ts, so
 * priority, then time queued, decide which run a free bot takes, exactly as a claim does.
 */
export const iso = (ms: number): string => new Date(ms).toISOString();

function keyOf(run: Pick<SimRun, 'id' | 'state' | 'priority' | 'queuedAt' | 'startedAt' | 'endedAt'>): string {
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
  /** each waiting run with its dispatch key, in dispatch order */
  private readonly entries: Array<{ run: SimRun; dispatchKey: string }> = [];

  get length(): number {
    return this.entries.length;
  }

  /** how many of the waiting runs are High */
  get highCount(): number {
    return this.entries.reduce((n, e) => (e.run.priority === 'High' ? n + 1 : n), 0);
  }

  /** The run a claim takes next (the first in dispatch order). */
  first(): SimRun | undefined {
    return this.entries[0]?.run;
  }

  add(run: SimRun): void {
    const entry = { run, dispatchKey: keyOf(run) };
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const other = this.entries[mid];
      if (other !== undefined && byDispatchKey(other, entry) <= 0) lo = mid + 1;
      else hi = mid;
    }
    this.entries.splice(lo, 0, entry);
  }

  take(): SimRun | undefined {
    return this.entries.shift()?.run;
  }

  remove(run: SimRun): boolean {
    const i = this.entries.findIndex((e) => e.run === run);
    if (i < 0) return false;
    this.entries.splice(i, 1);
    return true;
  }

  /** The earliest queuedAt of the waiting runs (not always the first in dispatch order). */
  oldestQueuedAt(): number | undefined {
    let oldest: number | undefined;
    for (const { run } of this.entries) if (oldest === undefined || run.queuedAt < oldest) oldest = run.queuedAt;
    return oldest;
  }
}
