/**
 * The simulator's virtual clock: a priority queue of events ordered by time, then by the order they were
 * scheduled (so two events at the same instant run first-scheduled first, deterministically). Nothing here
 * reads a real clock; `now` only moves forward when an event is taken.
 */
export interface Scheduled<E> {
  at: number;
  seq: number;
  event: E;
}

export class EventQueue<E> {
  private heap: Array<Scheduled<E>> = [];
  private nextSeq = 0;
  private current: number;

  constructor(start: number) {
    this.current = start;
  }

  /** Virtual time, ms since the epoch. */
  get now(): number {
    return this.current;
  }

  /** Schedules `event` at `at` (never in the past: an earlier time is taken as now). */
  schedule(at: number, event: E): void {
    const item = { at: Math.max(at, this.current), seq: this.nextSeq++, event };
    this.heap.push(item);
    this.up(this.heap.length - 1);
  }

  /** The next event, advancing the clock to its time; undefined when none is left. */
  next(): Scheduled<E> | undefined {
    const top = this.heap[0];
    if (top === undefined) return undefined;
    const last = this.heap.pop();
    if (last !== undefined && this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
    this.current = top.at;
    return top;
  }

  peekTime(): number | undefined {
    return this.heap[0]?.at;
  }

  private before(i: number, j: number): boolean {
    const a = this.heap[i];
    const b = this.heap[j];
    if (a === undefined || b === undefined) return false;
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private swap(i: number, j: number): void {
    const a = this.heap[i];
    const b = this.heap[j];
    if (a === undefined || b === undefined) return;
    this.heap[i] = b;
    this.heap[j] = a;
  }

  private up(i: number): void {
    let k = i;
    while (k > 0) {
      const parent = (k - 1) >> 1;
      if (!this.before(k, parent)) return;
      this.swap(k, parent);
      k = parent;
    }
  }

  private down(i: number): void {
    let k = i;
    for (;;) {
      const l = 2 * k + 1;
      const r = l + 1;
      let best = k;
      if (l < this.heap.length && this.before(l, best)) best = l;
      if (r < this.heap.length && this.before(r, best)) best = r;
      if (best === k) return;
      this.swap(k, best);
      k = best;
    }
  }
}
