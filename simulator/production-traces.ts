import { HOUR, MINUTE, type Trace, type TraceGroup, type TraceRun } from './model.js';
import { exponential, logNormal, rngOf, uniform, type Rng } from './rng.js';

/**
 * Traces that look like production, from a seeded generator: the product's largest environment (10 groups × up to
 * 50 bots, capacity 150), one week from a Monday 00:00 UTC. Every parameter is in `ProductionParams` and in
 * docs/benchmarks.md:
 * - arrivals: Poisson per group at `perHour` × the hour's factor of the daily profile (weekdays), × `weekendFactor`
 *   on Saturday and Sunday;
 * - scheduled cloud flows: at listed hours, `runs` runs queued within `burstSpreadSeconds` after the full hour
 *   (top-of-hour bursts), weekdays only unless `everyDay`;
 * - a quarter-end surge on `quarterEndDay`: the arrival rate of the surge groups × `surgeFactor` from 08:00 to
 *   20:00, and a close batch of `closeBatch` runs at 18:00;
 * - run durations: log-normal per flow (median, sigma; heavy-tailed at sigma 1), at least 30 s, at most 4 h;
 * - provisioning: log-normal, median `provisionMedianMinutes`, sigma `provisionSigma` (p90 = e^(1.2816 σ) × median:
 *   1.57× at σ 0.35, 1.78× at σ 0.45), `failureRate` of attempts failing part-way; capacity outages
 *   (AllocationFailed: every attempt fails after a minute) as a Poisson process of `outagesPerDay`, each lasting
 *   uniformly `outageMinutes`.
 */
const DAY = 24 * HOUR;
const EPOCH = Date.parse('2025-03-31T00:00:00.000Z'); // a Monday

export interface FlowShape {
  id: string;
  medianMinutes: number;
  sigma: number;
}

export interface ProductionGroup {
  id: string;
  committedBots: number;
  perHour: number;
  flows: FlowShape[];
  /** true: the daily profile is flat (a group that works around the clock) */
  allDay?: boolean;
  scheduled?: Array<{ hours: number[]; runs: number; everyDay?: boolean; minute?: number }>;
  surge?: boolean;
  serviceLevel?: TraceGroup['serviceLevel'];
  highShare?: number;
}

export interface ProductionParams {
  label: string;
  days: number;
  capacity: number;
  maxBots: number;
  /** factor of `perHour` for each UTC hour of a weekday */
  dailyProfile: number[];
  weekendFactor: number;
  burstSpreadSeconds: number;
  quarterEndDay: number;
  surgeFactor: number;
  closeBatch: number;
  provisionMedianMinutes: number;
  provisionSigma: number;
  failureRate: number;
  outagesPerDay: number;
  outageMinutes: [number, number];
  slaMinutes: number;
  groups: ProductionGroup[];
}

const OFFICE = [0.05, 0.05, 0.05, 0.05, 0.05, 0.1, 0.2, 0.5, 1, 1, 1, 1, 0.7, 1, 1, 1, 1, 0.6, 0.3, 0.2, 0.15, 0.1, 0.05, 0.05];

export const PRODUCTION_WEEK: ProductionParams = {
  label: 'production-week',
  days: 7,
  capacity: 150,
  maxBots: 50,
  dailyProfile: OFFICE,
  weekendFactor: 0.15,
  burstSpreadSeconds: 90,
  quarterEndDay: 3,
  surgeFactor: 4,
  closeBatch: 300,
  provisionMedianMinutes: 10,
  provisionSigma: 0.35,
  failureRate: 0.05,
  outagesPerDay: 0.5,
  outageMinutes: [5, 30],
  slaMinutes: 120,
  groups: [
    {
      id: 'finance',
      committedBots: 2,
      perHour: 6,
      flows: [
        { id: 'finance-post', medianMinutes: 8, sigma: 1 },
        { id: 'finance-reconcile', medianMinutes: 25, sigma: 0.8 },
      ],
      scheduled: [{ hours: [9, 11, 13, 15, 17], runs: 8 }],
      surge: true,
      highShare: 0.1,
    },
    {
      id: 'claims',
      committedBots: 0,
      perHour: 12,
      flows: [
        { id: 'claims-intake', medianMinutes: 5, sigma: 1 },
        { id: 'claims-check', medianMinutes: 15, sigma: 0.9 },
      ],
      serviceLevel: { targetWaitMinutes: 5 },
    },
    {
      id: 'hr',
      committedBots: 0,
      perHour: 2,
      flows: [{ id: 'hr-onboard', medianMinutes: 10, sigma: 1 }],
      scheduled: [{ hours: [7], runs: 20 }],
      serviceLevel: { targetWaitMinutes: 15 },
    },
    {
      id: 'payroll',
      committedBots: 0,
      perHour: 0.2,
      flows: [{ id: 'payroll-slip', medianMinutes: 6, sigma: 0.6 }],
      scheduled: [{ hours: [2], runs: 60, everyDay: true }],
    },
    { id: 'helpdesk', committedBots: 1, perHour: 8, allDay: true, flows: [{ id: 'helpdesk-reset', medianMinutes: 3, sigma: 0.8 }], highShare: 0.2 },
    {
      id: 'sales',
      committedBots: 0,
      perHour: 5,
      flows: [{ id: 'sales-quote', medianMinutes: 7, sigma: 1 }],
      scheduled: [{ hours: [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18], runs: 4 }],
    },
    {
      id: 'ops',
      committedBots: 1,
      perHour: 3,
      flows: [
        { id: 'ops-job', medianMinutes: 6, sigma: 1 },
        { id: 'ops-report', medianMinutes: 40, sigma: 0.7 },
      ],
    },
    {
      id: 'procurement',
      committedBots: 0,
      perHour: 1,
      flows: [{ id: 'procurement-po', medianMinutes: 12, sigma: 1 }],
      scheduled: [{ hours: [10, 15], runs: 15 }],
      surge: true,
    },
    { id: 'audit', committedBots: 0, perHour: 0.5, flows: [{ id: 'audit-sample', medianMinutes: 30, sigma: 0.8 }], serviceLevel: { minUtilization: 0.6 } },
    {
      id: 'it-ops',
      committedBots: 0,
      perHour: 1,
      allDay: true,
      flows: [{ id: 'it-ops-check', medianMinutes: 4, sigma: 0.7 }],
      scheduled: [{ hours: Array.from({ length: 24 }, (_, h) => h), runs: 3, everyDay: true }],
    },
  ],
};

/** The held-out trace: another mix, another week shape; no policy setting was chosen on it. */
export const PRODUCTION_HOLDOUT: ProductionParams = {
  label: 'production-holdout',
  days: 7,
  capacity: 150,
  maxBots: 50,
  dailyProfile: [0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 0.8, 1, 1, 0.9, 1, 0.8, 1, 1, 0.9, 0.8, 0.5, 0.3, 0.2, 0.2, 0.15, 0.1, 0.1],
  weekendFactor: 0.25,
  burstSpreadSeconds: 120,
  quarterEndDay: 4,
  surgeFactor: 3,
  closeBatch: 400,
  provisionMedianMinutes: 12,
  provisionSigma: 0.45,
  failureRate: 0.05,
  outagesPerDay: 1,
  outageMinutes: [5, 40],
  slaMinutes: 120,
  groups: [
    {
      id: 'accounts',
      committedBots: 3,
      perHour: 10,
      flows: [{ id: 'accounts-invoice', medianMinutes: 6, sigma: 1.1 }],
      scheduled: [{ hours: [8, 12, 16], runs: 12, minute: 30 }],
      surge: true,
    },
    {
      id: 'billing',
      committedBots: 0,
      perHour: 4,
      flows: [{ id: 'billing-run', medianMinutes: 15, sigma: 1 }],
      scheduled: [{ hours: [1], runs: 80, everyDay: true }],
      surge: true,
    },
    {
      id: 'contact',
      committedBots: 1,
      perHour: 15,
      allDay: true,
      flows: [{ id: 'contact-case', medianMinutes: 2, sigma: 0.9 }],
      serviceLevel: { targetWaitMinutes: 3 },
    },
    {
      id: 'logistics',
      committedBots: 0,
      perHour: 3,
      flows: [
        { id: 'logistics-ship', medianMinutes: 9, sigma: 1 },
        { id: 'logistics-track', medianMinutes: 2, sigma: 0.5 },
      ],
      scheduled: [{ hours: [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17], runs: 6 }],
    },
    { id: 'legal', committedBots: 0, perHour: 0.3, flows: [{ id: 'legal-review', medianMinutes: 45, sigma: 0.8 }] },
    { id: 'marketing', committedBots: 0, perHour: 2, flows: [{ id: 'marketing-sync', medianMinutes: 5, sigma: 1 }], scheduled: [{ hours: [9], runs: 30 }] },
    {
      id: 'risk',
      committedBots: 2,
      perHour: 2,
      flows: [{ id: 'risk-score', medianMinutes: 20, sigma: 1 }],
      serviceLevel: { targetWaitMinutes: 20, minUtilization: 0.5 },
    },
    { id: 'supply', committedBots: 0, perHour: 6, flows: [{ id: 'supply-order', medianMinutes: 4, sigma: 1.2 }] },
    {
      id: 'treasury',
      committedBots: 0,
      perHour: 0.5,
      flows: [{ id: 'treasury-fx', medianMinutes: 10, sigma: 0.6 }],
      scheduled: [{ hours: [7, 11, 15], runs: 5 }],
      surge: true,
    },
    {
      id: 'service-desk',
      committedBots: 0,
      perHour: 2,
      allDay: true,
      flows: [{ id: 'service-desk-ticket', medianMinutes: 3, sigma: 0.8 }],
      scheduled: [{ hours: Array.from({ length: 12 }, (_, h) => 2 * h), runs: 4, everyDay: true }],
    },
  ],
};

function durationOf(rng: Rng, flow: FlowShape): number {
  return Math.round(Math.min(4 * HOUR, Math.max(30_000, logNormal(rng, flow.medianMinutes * MINUTE, flow.sigma))));
}

export function productionTrace(params: ProductionParams, seed: number, heldOut: boolean): Trace {
  const rng = rngOf(seed, `trace:${params.label}`);
  const start = EPOCH;
  const runs: TraceRun[] = [];
  const add = (g: ProductionGroup, at: number) => {
    const flow = g.flows[Math.floor(rng.next() * g.flows.length)] ?? g.flows[0];
    if (flow === undefined) return;
    const high = rng.next() < (g.highShare ?? 0);
    runs.push({
      id: '',
      groupId: g.id,
      flowId: flow.id,
      queuedAt: Math.round(at),
      priority: high ? 'High' : 'Normal',
      durationMs: durationOf(rng, flow),
      slaAt: Math.round(at) + params.slaMinutes * MINUTE,
    });
  };
  for (const g of params.groups) {
    for (let day = 0; day < params.days; day += 1) {
      const dayStart = start + day * DAY;
      const weekend = day % 7 >= 5;
      const surgeDay = day === params.quarterEndDay && g.surge === true;
      for (let h = 0; h < 24; h += 1) {
        let rate = g.perHour * (g.allDay === true ? 1 : (params.dailyProfile[h] ?? 0)) * (weekend ? params.weekendFactor : 1);
        if (surgeDay && h >= 8 && h < 20) rate *= params.surgeFactor;
        if (rate <= 0) continue;
        const from = dayStart + h * HOUR;
        for (let t = from + exponential(rng, HOUR / rate); t < from + HOUR; t += exponential(rng, HOUR / rate)) add(g, t);
      }
      for (const s of g.scheduled ?? []) {
        if (weekend && s.everyDay !== true) continue;
        for (const h of s.hours)
          for (let i = 0; i < s.runs; i += 1) add(g, dayStart + h * HOUR + (s.minute ?? 0) * MINUTE + uniform(rng, 0, params.burstSpreadSeconds * 1000));
      }
      if (surgeDay && g.id === params.groups.find((x) => x.surge === true)?.id)
        for (let i = 0; i < params.closeBatch; i += 1) add(g, dayStart + 18 * HOUR + uniform(rng, 0, 10 * MINUTE));
    }
  }
  runs.sort((a, b) => a.queuedAt - b.queuedAt || a.groupId.localeCompare(b.groupId));
  const outageRng = rngOf(seed, `outages:${params.label}`);
  const outages: Array<{ from: number; to: number }> = [];
  const horizon = start + params.days * DAY;
  for (let t = start + exponential(outageRng, DAY / params.outagesPerDay); t < horizon; t += exponential(outageRng, DAY / params.outagesPerDay)) {
    outages.push({ from: Math.round(t), to: Math.round(t + uniform(outageRng, params.outageMinutes[0], params.outageMinutes[1]) * MINUTE) });
  }
  const groups: TraceGroup[] = params.groups.map((g) => ({
    id: g.id,
    maxBots: params.maxBots,
    committedBots: g.committedBots,
    ...(g.serviceLevel === undefined ? {} : { serviceLevel: g.serviceLevel }),
  }));
  return {
    name: params.label,
    description: `${params.groups.length} groups × maxBots ${params.maxBots}, capacity ${params.capacity}, ${params.days} days from a Monday; daily and weekly seasonality, top-of-hour bursts, a quarter-end surge on day ${params.quarterEndDay + 1}, log-normal durations, provisioning log-normal (median ${params.provisionMedianMinutes} min, σ ${params.provisionSigma}), ${params.failureRate * 100} % failed attempts, AllocationFailed outages ${params.outagesPerDay}/day.${heldOut ? ' Held out: no setting was chosen on it.' : ''}`,
    sla: `ended within ${params.slaMinutes} min of submission`,
    capacity: params.capacity,
    groups,
    runs: runs.map((r, i) => ({ ...r, id: `run-${String(i).padStart(6, '0')}` })),
    start,
    horizon,
    platform: {
      provisionMs: params.provisionMedianMinutes * MINUTE,
      provisionSigma: params.provisionSigma,
      failureRate: params.failureRate,
      allocationFailureMs: MINUTE,
    },
    outages,
    heldOut,
    parameters: params as unknown as Record<string, unknown>,
  };
}
