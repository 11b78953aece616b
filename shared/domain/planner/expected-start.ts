/**
 * An expected start time for every queued run of a group (`expectedStartAt` in the queue view): a pure function of
 * the group's bots (idle ones are free now, busy ones free at their run's typical end, provisioning ones at their
 * learned provisioning time, the bots the latest plan creates one provisioning time from now), the runs ahead in
 * dispatch order, and the typical duration of each run's desktop flow. Each run in turn takes the bot that frees
 * first, which is then busy for that run's typical duration. O(runs × log bots). docs/scaling.md, "Expected start".
 */
export interface StartEstimateBot {
  state: 'Ready' | 'Busy' | 'Provisioning';
  /** when it entered its state (ISO 8601): idle since, busy since, provisioning since */
  since: string;
  /** for a busy bot: the typical duration of the run it runs, minutes */
  runMinutes?: number;
}

export interface StartEstimateInput {
  now: string;
  /** the group's queued runs in dispatch order, each with its flow's typical duration (minutes) */
  queued: ReadonlyArray<{ id: string; runMinutes: number }>;
  /** bots that will take the group's runs (not those leaving or draining) */
  bots: readonly StartEstimateBot[];
  /** bots the latest plan creates for the group that have not started yet */
  creating: number;
  /** the learned provisioning time (the outlook's), minutes */
  provisionMinutes: number;
}

export interface StartEstimate {
  id: string;
  /** absent when no bot will come for the run (the plan's `unserved` says why) */
  expectedStartAt?: string;
}

const MINUTE = 60_000;

/** A binary min-heap of instants. */
class MinHeap {
  private readonly items: number[] = [];
  get size(): number {
    return this.items.length;
  }
  push(v: number): void {
    const a = this.items;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if ((a[p] ?? 0) <= v) break;
      a[i] = a[p] ?? 0;
      i = p;
    }
    a[i] = v;
  }
  pop(): number | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      let mv = last;
      if (l < a.length && (a[l] ?? 0) < mv) {
        m = l;
        mv = a[l] ?? 0;
      }
      if (r < a.length && (a[r] ?? 0) < mv) m = r;
      if (m === i) break;
      a[i] = a[m] ?? 0;
      i = m;
    }
    a[i] = last;
    return top;
  }
}

/**
 * When a busy bot is expected to be free: at its run's typical end; a run already past it is in the long tail of
 * the durations (heavy-tailed: the longer a run has run, the longer it is expected to go on), so half of what it
 * has run so far is added.
 */
function busyUntil(now: number, since: number, typicalMs: number): number {
  const end = since + typicalMs;
  return end > now ? end : now + (now - since) / 2;
}

export function expectedStarts(input: StartEstimateInput): StartEstimate[] {
  const now = Date.parse(input.now);
  const provisionMs = Math.max(0, input.provisionMinutes) * MINUTE;
  const free = new MinHeap();
  for (const bot of input.bots) {
    const since = Date.parse(bot.since);
    const at = Number.isNaN(since) ? now : since;
    if (bot.state === 'Ready') free.push(now);
    else if (bot.state === 'Busy') free.push(busyUntil(now, at, Math.max(0, bot.runMinutes ?? 0) * MINUTE));
    else free.push(Math.max(now, at + provisionMs));
  }
  for (let i = 0; i < Math.max(0, Math.floor(input.creating)); i += 1) free.push(now + provisionMs);
  return input.queued.map((run) => {
    const at = free.pop();
    if (at === undefined) return { id: run.id };
    free.push(at + Math.max(0, run.runMinutes) * MINUTE);
    return { id: run.id, expectedStartAt: new Date(at).toISOString() };
  });
}
