import { byDispatchKey, dispatchKeyOf } from '../domain/run.js';
import type { SimRun } from './model.js';

/**
 * One group's queue of waiting runs, kept in the product's dispatch order: the run document's
 * `dispatchKeyOf` and the store's `ORDER BY c.dispatchKey` (`byDispatchKey`) from domain/run.ts, so
 * priority, then time queued, decide which run a free bot takes, exactly as a claim does.
 */
const isoCache = new Map<number, string>();
/** An instant as ISO 8601 (memoised: the controller's input repeats the same instants plan after plan). */
export const iso = (ms: number): string => {
  let s = isoCache.get(ms);
  if (s === undefined) {
    if (isoCache.size > 100_000) isoCache.clear();
    s = new Date(ms).toISOString();
    isoCache.set(ms, s);
  }
  return s;
};

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
  private high = 0;
  /** runs ever added: a policy that looks at new runs compares it with what it saw last */
  added = 0;

  get length(): number {
    return this.entries.length;
  }

  /** how many of the waiting runs are High */
  get highCount(): number {
    return this.high;
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
    if (run.priority === 'High') this.high += 1;
    this.added += 1;
  }

  /** The waiting runs in dispatch order. */
  runs(): SimRun[] {
    return this.entries.map((e) => e.run);
  }

  take(): SimRun | undefined {
    const run = this.entries.shift()?.run;
    if (run?.priority === 'High') this.high -= 1;
    return run;
  }

  remove(run: SimRun): boolean {
    const i = this.entries.findIndex((e) => e.run === run);
    if (i < 0) return false;
    this.entries.splice(i, 1);
    if (run.priority === 'High') this.high -= 1;
    return true;
  }

  /** The earliest queuedAt of the waiting runs (not always the first in dispatch order). */
  oldestQueuedAt(): number | undefined {
    // dispatch order is High first, each priority by time queued: the oldest is the first of one of them
    const a = this.entries[0]?.run.queuedAt;
    const b = this.entries[this.high]?.run.queuedAt;
    if (a === undefined) return b;
    return b === undefined ? a : Math.min(a, b);
  }
}
