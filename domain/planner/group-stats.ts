import type { PlannerBot, PlannerOutlook } from './planner-input.js';
import { DEFAULT_OUTLOOK, outlookOf, type OutlookOptions } from './outlook.js';

/**
 * What the environment controller learns about a group between planning rounds, kept in one small document per group
 * (written under its etag by the planning round): recent provisioning times, run durations per desktop flow, and
 * arrivals in 15-minute buckets. It is learned from the bot records every round reads (a bot that left Provisioning,
 * a bot whose run changed) and one point read per ended run (its flow and times), never from a scan of runs.
 * Pure: the round passes `now` and the observations. docs/scaling.md, "What the controller learns".
 */
export interface GroupScalingStats {
  /** recent provisioning times (created → first Ready), ms, oldest first, at most STATS_WINDOW */
  provisionMs: number[];
  /** recent run durations of the group, ms, oldest first, at most STATS_WINDOW */
  runMs: number[];
  /** recent run durations per desktop flow id, ms, oldest first, at most FLOW_WINDOW each (at most MAX_FLOWS flows) */
  runMsByFlow: Record<string, number[]>;
  /** [bucket start (ms since the epoch), runs that arrived in it]: 15-minute buckets of the last ARRIVAL_DAYS days */
  arrivals: Array<[number, number]>;
  /** what the last round saw: the group's queued + running runs and the run of each busy bot */
  seen?: { demand: number; runs: Record<string, string>; provisioning: Record<string, string> };
  /** the last round found targetWaitMinutes and minUtilization in conflict (recorded when it starts) */
  conflict: boolean;
  /**
   * The group's latest decision record as the rounds wrote it: the reason of a "got nothing" (`none`) record, null after
   * any other record; absent when not known (stats saved before it was kept), and the round then reads the latest record.
   */
  latestNone?: string | null;
}

export const STATS_WINDOW = 50;
export const FLOW_WINDOW = 20;
export const MAX_FLOWS = 50;
export const BUCKET_MS = 15 * 60_000;
export const ARRIVAL_DAYS = 8;

export const EMPTY_STATS: GroupScalingStats = Object.freeze({
  provisionMs: [],
  runMs: [],
  runMsByFlow: {},
  arrivals: [],
  conflict: false,
}) as GroupScalingStats;

/** A run that ended since the last round, as its point read tells it. */
export interface EndedRun {
  desktopFlowId: string;
  startedAt?: string;
  endedAt?: string;
}

/** What a round observes of a group: its bots (any state) and its queued + running runs, with the bots' current runs. */
export interface GroupObservation {
  now: string;
  bots: ReadonlyArray<Pick<PlannerBot, 'id' | 'state' | 'since'> & { createdAt?: string; currentRunId?: string }>;
  demand: number;
}

const push = (list: readonly number[], value: number, max: number) => [...list, value].slice(-max);

/** The run ids a round should read (runs a bot ran at the last round and runs no more): one point read each. */
export function endedRunIds(stats: GroupScalingStats, observation: GroupObservation): string[] {
  const current = new Set(observation.bots.map((b) => b.currentRunId).filter((id): id is string => id !== undefined));
  return Object.values(stats.seen?.runs ?? {}).filter((runId) => !current.has(runId));
}

/**
 * The stats after one round: provisioning times of bots that left Provisioning since the last round (created → the
 * moment they were seen up: their `since` when Ready, else the round's time, an upper bound), the durations of the
 * runs that ended (per flow), and the arrivals since the last round (growth of queued + running, plus the runs that
 * ended; never negative), put in the bucket of now.
 */
export function observe(stats: GroupScalingStats, observation: GroupObservation, ended: readonly EndedRun[]): GroupScalingStats {
  const nowMs = Date.parse(observation.now);
  let provisionMs = stats.provisionMs;
  const wasProvisioning = stats.seen?.provisioning ?? {};
  for (const bot of observation.bots) {
    const createdAt = wasProvisioning[bot.id];
    if (createdAt === undefined || bot.state === 'Provisioning') continue;
    if (bot.state !== 'Ready' && bot.state !== 'Busy') continue; // failed or gone: no provisioning time
    const upAt = bot.state === 'Ready' ? Math.min(Date.parse(bot.since), nowMs) : nowMs;
    const took = upAt - Date.parse(createdAt);
    if (Number.isFinite(took) && took >= 0) provisionMs = push(provisionMs, took, STATS_WINDOW);
  }
  let runMs = stats.runMs;
  const runMsByFlow: Record<string, number[]> = { ...stats.runMsByFlow };
  for (const run of ended) {
    const took = Date.parse(run.endedAt ?? '') - Date.parse(run.startedAt ?? '');
    if (!Number.isFinite(took) || took < 0) continue;
    runMs = push(runMs, took, STATS_WINDOW);
    if (runMsByFlow[run.desktopFlowId] === undefined && Object.keys(runMsByFlow).length >= MAX_FLOWS) continue;
    runMsByFlow[run.desktopFlowId] = push(runMsByFlow[run.desktopFlowId] ?? [], took, FLOW_WINDOW);
  }
  const arrived = stats.seen === undefined ? 0 : Math.max(0, observation.demand - stats.seen.demand + ended.length);
  const bucket = Math.floor(nowMs / BUCKET_MS) * BUCKET_MS;
  const kept = stats.arrivals.filter(([at]) => at > nowMs - ARRIVAL_DAYS * 24 * 3_600_000);
  const last = kept[kept.length - 1];
  const arrivals: Array<[number, number]> =
    arrived === 0 ? kept : last !== undefined && last[0] === bucket ? [...kept.slice(0, -1), [bucket, last[1] + arrived]] : [...kept, [bucket, arrived]];
  const runs: Record<string, string> = {};
  const provisioning: Record<string, string> = {};
  for (const bot of observation.bots) {
    if (bot.currentRunId !== undefined && (bot.state === 'Busy' || bot.state === 'Draining')) runs[bot.id] = bot.currentRunId;
    if (bot.state === 'Provisioning') provisioning[bot.id] = wasProvisioning[bot.id] ?? bot.createdAt ?? bot.since;
  }
  const next: GroupScalingStats = {
    provisionMs,
    runMs,
    runMsByFlow,
    arrivals,
    seen: { demand: observation.demand, runs, provisioning },
    conflict: stats.conflict,
  };
  if (stats.latestNone !== undefined) next.latestNone = stats.latestNone;
  return next;
}

/**
 * Arrivals in [from, to) from the buckets, a bucket counted in proportion to its overlap. The bucket of `nowMs` is
 * still open: its arrivals happened in [its start, now), so it is spread over that span, not over a whole bucket
 * (otherwise the recent rate would drop to nothing at every bucket boundary and the warm bots with it).
 */
export function arrivalCounter(arrivals: ReadonlyArray<[number, number]>, nowMs = Number.POSITIVE_INFINITY): (fromMs: number, toMs: number) => number {
  return (fromMs, toMs) => {
    let total = 0;
    for (const [at, n] of arrivals) {
      const span = Math.min(BUCKET_MS, Math.max(1, nowMs - at));
      const overlap = Math.min(toMs, at + span) - Math.max(fromMs, at);
      if (overlap > 0) total += (n * overlap) / span;
    }
    return total;
  };
}

/** The group's outlook (outlook.ts) from its stats. */
export function outlookFromStats(stats: GroupScalingStats, nowMs: number, options: OutlookOptions = DEFAULT_OUTLOOK): PlannerOutlook {
  return outlookOf({ provisionMs: stats.provisionMs, runMs: stats.runMs, count: arrivalCounter(stats.arrivals, nowMs) }, nowMs, options);
}

/** The typical (mean) duration of a flow's recent runs, minutes; the group's when the flow has none yet. */
export function typicalRunMinutes(stats: GroupScalingStats, desktopFlowId: string, fallbackMinutes: number): number {
  const list = stats.runMsByFlow[desktopFlowId];
  const values = list !== undefined && list.length > 0 ? list : stats.runMs;
  if (values.length === 0) return fallbackMinutes;
  return values.reduce((a, b) => a + b, 0) / values.length / 60_000;
}
