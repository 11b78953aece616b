import type { PlannerOutlook } from './planner-input.js';

/**
 * Learning a group's outlook (`PlannerGroup.outlook`) from its recent history: pure functions the controller
 * calls before it plans, on statistics it keeps (arrival counts per time bucket, recent provisioning times and
 * run durations). Nothing here reads a clock. docs/scaling.md, "Warm bots and the service level".
 */

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** The value below which `q` of the sorted values lie (nearest rank); undefined for none. */
export function quantileOf(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

/** Saturday and Sunday (UTC) are weekend days: their arrivals are forecast from earlier weekend days. */
export function isWeekend(ms: number): boolean {
  const day = new Date(ms).getUTCDay();
  return day === 0 || day === 6;
}

export interface ForecastOptions {
  /** the recent rate is measured over this many minutes before now */
  recentMinutes: number;
  /** days of history looked at for the seasonal forecast */
  days: number;
}

export const DEFAULT_FORECAST: ForecastOptions = { recentMinutes: 20, days: 7 };

/**
 * Runs expected to be queued in [now, now + window): the higher of
 * - the recent rate (arrivals in the last `recentMinutes`, scaled to the window), and
 * - the seasonal forecast: the median, over the last `days` days of the same kind (weekday or weekend), of the
 *   arrivals in the same window of that day: a recurring peak (a nightly batch, scheduled flows at the top of the
 *   hour) is therefore expected one provisioning time ahead, and bots are warmed before it.
 * `count(from, to)` counts the group's arrivals in [from, to) (from the controller's buckets, or a list).
 */
export function expectedArrivals(
  count: (fromMs: number, toMs: number) => number,
  nowMs: number,
  windowMs: number,
  options: ForecastOptions = DEFAULT_FORECAST,
): number {
  if (!(windowMs > 0)) return 0;
  const recentMs = options.recentMinutes * MINUTE;
  const recent = recentMs > 0 ? (count(nowMs - recentMs, nowMs) * windowMs) / recentMs : 0;
  const weekend = isWeekend(nowMs);
  const past: number[] = [];
  for (let d = 1; d <= options.days; d += 1) {
    const at = nowMs - d * DAY;
    if (isWeekend(at) === weekend) past.push(count(at, at + windowMs));
  }
  past.sort((a, b) => a - b);
  const seasonal = past.length === 0 ? 0 : ((past[(past.length - 1) >> 1] ?? 0) + (past[past.length >> 1] ?? 0)) / 2;
  return Math.max(recent, seasonal);
}

/** Counts values of a sorted list in [from, to) by binary search: a `count` for `expectedArrivals`. */
export function sortedCounter(sorted: readonly number[]): (fromMs: number, toMs: number) => number {
  const lowerBound = (x: number) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((sorted[mid] ?? 0) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return (fromMs, toMs) => Math.max(0, lowerBound(toMs) - lowerBound(fromMs));
}

export interface OutlookHistory {
  /** the group's recent provisioning times (created → Ready, retries included), ms, any order */
  provisionMs: readonly number[];
  /** the group's recent run durations, ms, any order (the outlook's runMinutes is their mean) */
  runMs: readonly number[];
  /** arrivals of the group in [from, to) */
  count: (fromMs: number, toMs: number) => number;
}

export interface OutlookOptions extends ForecastOptions {
  /** the provisioning time assumed before any bot was provisioned, minutes (about 10 in the product) */
  defaultProvisionMinutes: number;
  /** the quantile of provisioning times used as the warm-up lead time */
  provisionQuantile: number;
  /** the last this many provisioning times and run durations are used */
  window: number;
}

export const DEFAULT_OUTLOOK: OutlookOptions = { ...DEFAULT_FORECAST, defaultProvisionMinutes: 10, provisionQuantile: 0.9, window: 50 };

/** The outlook of a group: its learned provisioning lead time, typical run, and runs expected within that lead time. */
export function outlookOf(history: OutlookHistory, nowMs: number, options: OutlookOptions = DEFAULT_OUTLOOK): PlannerOutlook {
  const recent = (values: readonly number[]) => [...values.slice(-options.window)].sort((a, b) => a - b);
  const provision = quantileOf(recent(history.provisionMs), options.provisionQuantile);
  const provisionMinutes = provision === undefined ? options.defaultProvisionMinutes : provision / MINUTE;
  // the mean, not the median: with heavy-tailed durations the mean is what a bot's throughput depends on
  const runs = recent(history.runMs);
  const runMinutes = runs.length === 0 ? provisionMinutes : runs.reduce((a, b) => a + b, 0) / runs.length / MINUTE;
  const expected = expectedArrivals(history.count, nowMs, provisionMinutes * MINUTE, options);
  return { provisionMinutes: round(provisionMinutes), runMinutes: round(runMinutes), expectedArrivals: round(expected) };
}

const round = (v: number) => Math.round(v * 1000) / 1000;
