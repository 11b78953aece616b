import type { CapacityWindow, PlannerGroup, PlannerOutlook, PlannerSettings } from './planner-input.js';

/**
 * Keeping bots warm, per group, from what the controller learned about it (`PlannerGroup.outlook`). Pure and
 * O(1) per group. docs/scaling.md, "Warm bots and the service level".
 */

/** The smallest k with P(X ≤ k) ≥ q for X ~ Poisson(mean). 0 for a mean of 0 or a quantile of 0. */
export function poissonQuantile(mean: number, q: number): number {
  if (!(mean > 0) || !(q > 0)) return 0;
  const quantile = Math.min(q, 0.9999);
  let p = Math.exp(-mean);
  if (p === 0) return Math.ceil(mean + 4 * Math.sqrt(mean)); // far in the tail of a huge mean: the normal approximation
  let cdf = p;
  let k = 0;
  while (cdf < quantile && k < 10_000) {
    k += 1;
    p *= mean / k;
    cdf += p;
  }
  return k;
}

/** The committed bots of a group now: its `committedBots`, or a capacity window covering now that asks for more. */
export function committedNow(group: Pick<PlannerGroup, 'committedBots' | 'capacitySchedule'>, nowMs: number, committed: number): number {
  let best = committed;
  for (const w of group.capacitySchedule ?? ([] as CapacityWindow[])) {
    const from = Date.parse(w.from);
    const to = Date.parse(w.to);
    if (from <= nowMs && nowMs < to && Number.isFinite(w.committedBots) && w.committedBots > best) best = Math.floor(w.committedBots);
  }
  return best;
}

export interface WarmVerdict {
  /** bots not running a run (idle, starting, to create) the group keeps for its queue and the runs it expects */
  spare: number;
  /** what the wait target alone asks for (spare may be lower when minUtilization caps it) */
  wanted: number;
  /** the quantile of arrivals covered, or 0 when no warm bot is asked for */
  quantile: number;
  /** minUtilization cut the warm bots the wait target asks for */
  conflict: boolean;
  /** how long an idle bot beyond them is kept (the ski-rental break-even), seconds */
  keepIdleSeconds: number;
}

const finite = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v);

/**
 * The warm bots of an active group: enough bots that are not running a run that the queued runs and the runs
 * expected within one provisioning time (their `quantile` under a Poisson law) start before a new bot could be up,
 * counting what the busy bots will start meanwhile (`coverBusy`) and that each such bot starts a run every mean run
 * time. A group whose `targetWaitMinutes` is at least its provisioning time needs none (a cold start meets the
 * target); one below it asks for the 95 % quantile; a group with no target uses `settings.warmQuantile`.
 * `minUtilization` caps the group's bots at running ÷ minUtilization (a conflict when that cuts the warm bots). An
 * idle bot beyond them is kept for the break-even of renting against buying (ski rental: keeping it one provisioning
 * time costs what a new bot costs to provision) when at least one run is expected within that time, and released at
 * once otherwise; never longer than BOT_IDLE_TIMEOUT_SECONDS.
 */
export function warmVerdict(
  outlook: PlannerOutlook | undefined,
  group: Pick<PlannerGroup, 'serviceLevel'>,
  queued: number,
  running: number,
  coverBusy: number,
  settings: PlannerSettings,
): WarmVerdict {
  const timeout = settings.botIdleTimeoutSeconds;
  if (outlook === undefined) return { spare: 0, wanted: 0, quantile: 0, conflict: false, keepIdleSeconds: timeout };
  const lead = finite(outlook.provisionMinutes) && outlook.provisionMinutes > 0 ? outlook.provisionMinutes : 0;
  const arrivals = finite(outlook.expectedArrivals) && outlook.expectedArrivals > 0 ? outlook.expectedArrivals : 0;
  const runMinutes = finite(outlook.runMinutes) && outlook.runMinutes > 0 ? outlook.runMinutes : Math.max(lead, 1);
  const target = group.serviceLevel?.targetWaitMinutes;
  const quantile = finite(target) ? (target >= lead ? 0 : 0.95) : (settings.warmQuantile ?? 0);
  const expected = poissonQuantile(arrivals, quantile);
  const perBot = Math.floor(lead / runMinutes) + 1;
  const wanted = expected > 0 ? Math.ceil(Math.max(0, queued + expected - coverBusy) / perBot) : 0;
  const minUtilization = group.serviceLevel?.minUtilization;
  let spare = wanted;
  if (finite(minUtilization) && minUtilization > 0) spare = Math.min(spare, Math.max(0, Math.floor(running / Math.min(1, minUtilization)) - running));
  const keepIdleSeconds = arrivals >= 1 ? Math.min(timeout, Math.round(lead * 60)) : 0;
  return { spare, wanted, quantile, conflict: spare < wanted, keepIdleSeconds };
}

/**
 * How many of a group's queued runs its bots (idle, busy, provisioning; none leaving) are expected to start within
 * `horizonMs`: each bot is free at its first-free instant (idle: now; busy: its run's expected end, from the group's
 * mean run time, or, past it, half of what the run has run so far from now; provisioning: at its learned
 * provisioning time) and then takes a run every mean run time. O(bots).
 */
export function coverableRuns(bots: ReadonlyArray<{ state: string; since: string }>, nowMs: number, horizonMs: number, outlook: PlannerOutlook): number {
  const runMs = Math.max(1, (Number.isFinite(outlook.runMinutes) ? outlook.runMinutes : 0) * 60_000);
  const leadMs = Math.max(0, (Number.isFinite(outlook.provisionMinutes) ? outlook.provisionMinutes : 0) * 60_000);
  const end = nowMs + horizonMs;
  let total = 0;
  for (const bot of bots) {
    const since = Date.parse(bot.since);
    const at = Number.isNaN(since) ? nowMs : since;
    let free: number;
    if (bot.state === 'Ready') free = nowMs;
    else if (bot.state === 'Busy') free = at + runMs > nowMs ? at + runMs : nowMs + (nowMs - at) / 2;
    else if (bot.state === 'Provisioning') free = Math.max(nowMs, at + leadMs);
    else continue;
    if (free <= end) total += Math.floor((end - free) / runMs) + 1;
  }
  return total;
}
