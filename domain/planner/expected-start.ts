import { durationModel, type DurationModel } from './duration-model.js';

/**
 * An expected start time for every queued run of a group (`expectedStartAt` in the queue view): a pure function of
 * the group's bots (idle ones are free now, busy ones when their run ends, provisioning ones at their learned
 * provisioning time, the bots the latest plan creates one provisioning time from now), the runs ahead in dispatch
 * order, and the learned durations of each run's desktop flow. The queue is played SCENARIOS times with durations
 * drawn from the learned ones (duration-model.ts); each run in turn takes the bot that frees first, and its estimate
 * is the median of its starts over the plays. O(SCENARIOS × runs × log bots). docs/scaling.md, "Expected start".
 */
export interface StartEstimateBot {
  state: 'Ready' | 'Busy' | 'Provisioning';
  /** when it entered its state (ISO 8601): idle since, busy since, provisioning since */
  since: string;
  /** for a busy bot: the typical duration of the run it runs, minutes */
  runMinutes?: number;
  /** for a busy bot: the learned durations of its run's flow, minutes (runMinutes stands for them when absent) */
  runSamplesMinutes?: readonly number[];
}

export interface StartEstimateInput {
  now: string;
  /** the group's queued runs in dispatch order, each with its flow's typical duration (minutes) */
  queued: ReadonlyArray<{ id: string; runMinutes: number; runSamplesMinutes?: readonly number[] }>;
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

/** Scenarios the estimate plays (odd: the median is one of them). */
export const SCENARIOS = 15;
/** spreads the strata of successive bots and runs (the golden ratio's fraction: no two items in step) */
const SPREAD = 0.618_033_988_749_895;

/**
 * Each run's start in each of SCENARIOS plays of the queue: in play s, every bot and run draws its provisioning time,
 * remaining time and duration at a stratified quantile of the learned ones (stratum s, shifted per item so the bots
 * do not all draw alike); each run takes the bot that frees first. The estimate is the median over the plays: with
 * heavy-tailed durations and several busy bots, the first to free comes much sooner than any one run's typical end,
 * which a single play with typical values misses. O(SCENARIOS × runs × log bots).
 */
export function expectedStarts(input: StartEstimateInput): StartEstimate[] {
  const now = Date.parse(input.now);
  const provisionMs = Math.max(0, input.provisionMinutes) * MINUTE;
  const models = new Map<readonly number[], DurationModel>();
  const modelOf = (samples: readonly number[] | undefined, minutes: number | undefined) => {
    const list = samples !== undefined && samples.length > 0 ? samples : [Math.max(0, minutes ?? 0)];
    let model = models.get(list);
    if (model === undefined) models.set(list, (model = durationModel(list)));
    return model;
  };
  const bots = input.bots.map((bot) => {
    const since = Date.parse(bot.since);
    const at = Number.isNaN(since) ? now : since;
    return { state: bot.state, at, elapsed: Math.max(0, now - at) / MINUTE, model: modelOf(bot.runSamplesMinutes, bot.runMinutes) };
  });
  const runs = input.queued.map((run) => modelOf(run.runSamplesMinutes, run.runMinutes));
  const creating = Math.max(0, Math.floor(input.creating));
  const starts: number[][] = runs.map(() => []);
  for (let s = 0; s < SCENARIOS; s += 1) {
    const stratum = (s + 0.5) / SCENARIOS;
    let item = 0;
    const draw = () => (stratum + SPREAD * (item += 1)) % 1;
    const free = new MinHeap();
    for (const bot of bots) {
      const q = draw();
      if (bot.state === 'Ready') free.push(now);
      else if (bot.state === 'Busy') free.push(now + bot.model.remaining(bot.elapsed, q) * MINUTE);
      // provisioning times are not drawn per bot: a capacity error delays every bot at once
      else free.push(Math.max(now, bot.at + provisionMs));
    }
    for (let i = 0; i < creating; i += 1) free.push(now + provisionMs);
    for (const [j, model] of runs.entries()) {
      const at = free.pop();
      if (at === undefined) break;
      starts[j]?.push(at);
      free.push(at + Math.max(0, model.quantile(draw())) * MINUTE);
    }
  }
  return input.queued.map((run, j) => {
    const plays = (starts[j] ?? []).sort((x, y) => x - y);
    const median = plays[Math.floor(plays.length / 2)];
    return median === undefined ? { id: run.id } : { id: run.id, expectedStartAt: new Date(Math.max(now, Math.round(median))).toISOString() };
  });
}
