import { percentile } from '../bench/stats.js';
import { MINUTE, type SimRun } from './model.js';
import type { World } from './world.js';

/**
 * What one simulation (a trace, a policy, a seed) scores. Waits are in minutes: a run's wait is from queued to
 * started; a run that never started (timed out after QUEUED_RUN_TIMEOUT_MINUTES, or still queued at the
 * horizon) counts with the time it waited.
 */
export interface GroupScore {
  runs: number;
  p95WaitMinutes: number;
  botMinutes: number;
  /** busy time ÷ bot time */
  utilization: number;
  /** mean slowdown, (wait + duration) / duration: 1 when runs never wait */
  meanStretch: number;
}

export interface Score {
  /** Provisioning + Ready + Busy (+ Draining) time of every bot, up to the horizon */
  botMinutes: number;
  /** bot-minutes above max(committed, queued + running) per group: see docs/benchmarks.md */
  beyondDemandMinutes: number;
  /** the run-minutes of work done: the least bot-minutes any policy could spend, cold starts aside */
  workMinutes: number;
  waitMinutes: { p50: number; p95: number; max: number; mean: number };
  runs: number;
  pastSla: number;
  timedOut: number;
  /** runs not ended at the horizon */
  unfinished: number;
  botsCreated: number;
  /** bots created that never ran a run: a cold start paid for nothing */
  botsNeverUsed: number;
  provisioningFailures: number;
  /** the largest mean slowdown of any group: 1 = no group waits; lower is fairer (the max-min objective) */
  worstGroupSlowdown: number;
  /** Jain's index of the groups' mean stretch: 1 = every group served alike, 1/n = one group gets it all */
  fairness: number;
  groups: Record<string, GroupScore>;
  /** the expected start's error, for runs that waited more than a minute (only when the policy estimated starts) */
  estimate?: EstimateError;
}

export interface EstimateError {
  /** runs that waited > 1 min and had an estimate */
  runs: number;
  medianAbsMinutes: number;
  p90AbsMinutes: number;
  /** median of |estimate − actual start| ÷ actual wait */
  medianRelative: number;
}

/** How far the expected starts recorded at queueing were from the actual starts, for runs that waited over a minute. */
export function estimateError(runs: readonly SimRun[]): EstimateError | undefined {
  const rows = runs.filter((r) => r.expectedStartAt !== undefined && r.startedAt !== undefined && r.startedAt - r.queuedAt > MINUTE);
  if (rows.length === 0) return undefined;
  const abs = rows.map((r) => Math.abs((r.expectedStartAt ?? 0) - (r.startedAt ?? 0)) / MINUTE).sort((a, b) => a - b);
  const rel = rows.map((r) => Math.abs((r.expectedStartAt ?? 0) - (r.startedAt ?? 0)) / ((r.startedAt ?? 0) - r.queuedAt)).sort((a, b) => a - b);
  return {
    runs: rows.length,
    medianAbsMinutes: round(percentile(abs, 0.5)),
    p90AbsMinutes: round(percentile(abs, 0.9)),
    medianRelative: round(percentile(rel, 0.5), 3),
  };
}

/** Jain's fairness index: (Σx)² / (n·Σx²), 1 when all are equal. */
export function jain(values: readonly number[]): number {
  if (values.length === 0) return 1;
  const sum = values.reduce((a, b) => a + b, 0);
  const squares = values.reduce((a, b) => a + b * b, 0);
  return squares === 0 ? 1 : (sum * sum) / (values.length * squares);
}

const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

function waitOf(run: SimRun, horizon: number): number {
  return ((run.startedAt ?? run.endedAt ?? horizon) - run.queuedAt) / MINUTE;
}

function groupScore(runs: readonly SimRun[], horizon: number, botMs: number): GroupScore {
  const waits = runs.map((r) => waitOf(r, horizon)).sort((a, b) => a - b);
  const stretch = runs.map((r) => (waitOf(r, horizon) + r.durationMs / MINUTE) / (r.durationMs / MINUTE));
  const busyMs = runs.reduce((sum, r) => sum + (r.startedAt === undefined ? 0 : Math.min(r.endedAt ?? horizon, horizon) - r.startedAt), 0);
  return {
    runs: runs.length,
    p95WaitMinutes: round(percentile(waits, 0.95)),
    botMinutes: round(botMs / MINUTE),
    utilization: botMs > 0 ? round(busyMs / botMs, 3) : 0,
    meanStretch: round(stretch.reduce((a, b) => a + b, 0) / Math.max(1, stretch.length), 3),
  };
}

export function score(world: World): Score {
  const horizon = world.trace.horizon;
  const runs = world.runs;
  const waits = runs.map((r) => waitOf(r, horizon)).sort((a, b) => a - b);
  const groups: Record<string, GroupScore> = {};
  for (const [i, g] of world.groups.entries())
    groups[g.id] = groupScore(
      runs.filter((r) => r.groupId === g.id),
      horizon,
      world.recorder.groupBotMs[i] ?? 0,
    );
  const estimate = estimateError(runs);
  const served = Object.values(groups).filter((g) => g.runs > 0);
  return {
    botMinutes: round(world.recorder.botMs / MINUTE),
    beyondDemandMinutes: round(world.recorder.beyondDemandMs / MINUTE),
    workMinutes: round(runs.reduce((sum, r) => sum + (r.startedAt === undefined ? 0 : Math.min(r.endedAt ?? horizon, horizon) - r.startedAt), 0) / MINUTE),
    waitMinutes: {
      p50: round(percentile(waits, 0.5)),
      p95: round(percentile(waits, 0.95)),
      max: round(waits[waits.length - 1] ?? 0),
      mean: round(waits.reduce((a, b) => a + b, 0) / Math.max(1, waits.length)),
    },
    runs: runs.length,
    pastSla: runs.filter((r) => r.endedAt === undefined || r.state === 'TimedOut' || r.endedAt > r.slaAt).length,
    timedOut: runs.filter((r) => r.state === 'TimedOut').length,
    unfinished: runs.filter((r) => r.endedAt === undefined).length,
    botsCreated: world.allBots.length,
    botsNeverUsed: world.allBots.filter((b) => b.runsServed === 0).length,
    provisioningFailures: world.counters.provisioningFailures,
    worstGroupSlowdown: round(Math.max(1, ...served.map((g) => g.meanStretch)), 2),
    fairness: round(jain(served.map((g) => g.meanStretch)), 3),
    groups,
    ...(estimate === undefined ? {} : { estimate }),
  };
}
