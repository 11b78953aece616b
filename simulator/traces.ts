import { HOUR, MINUTE, type Trace, type TraceGroup, type TraceRun } from './model.js';
import { PRODUCTION_HOLDOUT, PRODUCTION_WEEK, productionTrace } from './production-traces.js';
import { exponential, logNormal, rngOf, uniform, type Rng } from './rng.js';

/**
 * The workload traces, each a function of a seed (the same seed gives the same runs, for every policy).
 * Run durations are log-normal (most short, a few long), capped at 3 hours.
 */
const DAY = 24 * HOUR;
/** a Monday, so the times of day read naturally */
const EPOCH = Date.parse('2025-03-31T00:00:00.000Z');

interface RunShape {
  groupId: string;
  medianMinutes: number;
  sigma: number;
  /** the SLA: the run must have ended by this instant */
  slaAt: (queuedAt: number) => number;
  highShare?: number;
}

class TraceBuilder {
  readonly runs: TraceRun[] = [];
  constructor(readonly rng: Rng) {}

  add(queuedAt: number, shape: RunShape): void {
    const durationMs = Math.min(3 * HOUR, Math.max(MINUTE, logNormal(this.rng, shape.medianMinutes * MINUTE, shape.sigma)));
    const high = this.rng.next() < (shape.highShare ?? 0);
    this.runs.push({
      id: '',
      groupId: shape.groupId,
      queuedAt: Math.round(queuedAt),
      priority: high ? 'High' : 'Normal',
      durationMs: Math.round(durationMs),
      slaAt: shape.slaAt(queuedAt),
    });
  }

  /** Poisson arrivals at `perHour` between `from` and `to`. */
  poisson(from: number, to: number, perHour: number, shape: RunShape): void {
    for (let t = from + exponential(this.rng, HOUR / perHour); t < to; t += exponential(this.rng, HOUR / perHour)) this.add(t, shape);
  }

  /** `count` runs spread uniformly between `from` and `to`. */
  spread(from: number, to: number, count: number, shape: RunShape): void {
    for (let i = 0; i < count; i += 1) this.add(uniform(this.rng, from, to), shape);
  }

  build(): TraceRun[] {
    this.runs.sort((a, b) => a.queuedAt - b.queuedAt);
    return this.runs.map((r, i) => ({ ...r, id: `run-${String(i).padStart(6, '0')}` }));
  }
}

const within = (ms: number) => (queuedAt: number) => queuedAt + ms;

/** End of quarter: finance's 300-run close burst at 09:00 on top of a light trickle; ops trickles on. */
export function quarterEndBurst(seed: number): Trace {
  const start = EPOCH + 6 * HOUR;
  const b = new TraceBuilder(rngOf(seed, 'trace:quarter-end-burst'));
  const finance: RunShape = { groupId: 'finance', medianMinutes: 12, sigma: 0.5, slaAt: within(3 * HOUR), highShare: 0.1 };
  const ops: RunShape = { groupId: 'ops', medianMinutes: 6, sigma: 0.6, slaAt: within(HOUR) };
  b.poisson(start, start + 6 * HOUR, 3, finance);
  b.spread(start + 3 * HOUR, start + 3.5 * HOUR, 300, finance);
  b.poisson(start, start + 10 * HOUR, 2, ops);
  const groups: TraceGroup[] = [
    { id: 'finance', maxBots: 20, committedBots: 2 },
    { id: 'ops', maxBots: 5, committedBots: 1 },
  ];
  return {
    name: 'quarter-end-burst',
    description:
      'finance: 300 runs (12 min median) submitted 09:00–09:30 on top of 3 runs/h from 06:00 to 12:00; ops: 2 runs/h (6 min) 06:00–16:00. Capacity 25; finance maxBots 20, committed 2; ops maxBots 5, committed 1.',
    sla: 'ended within 3 h of submission (finance), 1 h (ops)',
    capacity: 25,
    groups,
    runs: b.build(),
    start,
    horizon: start + 22 * HOUR,
  };
}

/** A nightly batch with a morning deadline, three nights running: a cold start every night. */
export function dailySlaBatch(seed: number): Trace {
  const start = EPOCH;
  const b = new TraceBuilder(rngOf(seed, 'trace:daily-sla-batch'));
  for (let day = 0; day < 3; day += 1) {
    const at = start + day * DAY + 2 * HOUR;
    const deadline = start + day * DAY + 3.5 * HOUR;
    b.spread(at, at + 10 * MINUTE, 100, { groupId: 'payroll', medianMinutes: 6, sigma: 0.5, slaAt: () => deadline });
  }
  return {
    name: 'daily-sla-batch',
    description: 'payroll: 100 runs (6 min median) submitted 02:00–02:10 every night for 3 nights, to be done by 03:30. Capacity 10; maxBots 10, committed 0.',
    sla: 'ended by 03:30 of the night it was submitted',
    capacity: 10,
    groups: [{ id: 'payroll', maxBots: 10, committedBots: 0 }],
    runs: b.build(),
    start,
    horizon: start + 3 * DAY,
  };
}

/** A steady trickle through a day: one committed bot does most of it. */
export function steadyTrickle(seed: number): Trace {
  const start = EPOCH + 6 * HOUR;
  const b = new TraceBuilder(rngOf(seed, 'trace:steady-trickle'));
  b.poisson(start, start + 18 * HOUR, 6, { groupId: 'helpdesk', medianMinutes: 4, sigma: 0.6, slaAt: within(30 * MINUTE), highShare: 0.2 });
  return {
    name: 'steady-trickle',
    description: 'helpdesk: 6 runs/h (Poisson, 4 min median) from 06:00 to 24:00. Capacity 5; maxBots 5, committed 1.',
    sla: 'ended within 30 min of submission',
    capacity: 5,
    groups: [{ id: 'helpdesk', maxBots: 5, committedBots: 1 }],
    runs: b.build(),
    start,
    horizon: start + 24 * HOUR,
  };
}

/** Two groups, four slots: claims floods the environment, audit trickles in behind it. */
export function competingGroups(seed: number): Trace {
  const start = EPOCH + 8 * HOUR;
  const b = new TraceBuilder(rngOf(seed, 'trace:competing-groups'));
  b.spread(start + HOUR, start + HOUR + 2 * MINUTE, 40, { groupId: 'claims', medianMinutes: 20, sigma: 0.3, slaAt: within(5 * HOUR) });
  for (let t = start + HOUR + 15 * MINUTE; t < start + 4 * HOUR; t += 15 * MINUTE) {
    b.add(t + uniform(b.rng, 0, MINUTE), { groupId: 'audit', medianMinutes: 10, sigma: 0.3, slaAt: within(HOUR) });
  }
  return {
    name: 'competing-groups',
    description:
      'claims: 40 runs (20 min median) submitted 09:00–09:02; audit: 1 run (10 min) every 15 min from 09:15 to 12:00. Capacity 4; both maxBots 4, committed 0.',
    sla: 'ended within 5 h of submission (claims), 1 h (audit)',
    capacity: 4,
    groups: [
      { id: 'audit', maxBots: 4, committedBots: 0 },
      { id: 'claims', maxBots: 4, committedBots: 0 },
    ],
    runs: b.build(),
    start,
    horizon: start + 16 * HOUR,
  };
}

export const TRACES = {
  'quarter-end-burst': quarterEndBurst,
  'daily-sla-batch': dailySlaBatch,
  'steady-trickle': steadyTrickle,
  'competing-groups': competingGroups,
  'production-week': (seed: number) => productionTrace(PRODUCTION_WEEK, seed, false),
  'production-holdout': (seed: number) => productionTrace(PRODUCTION_HOLDOUT, seed, true),
} as const satisfies Record<string, (seed: number) => Trace>;

export type TraceName = keyof typeof TRACES;
