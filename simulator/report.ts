import type { Score } from './metrics.js';
import type { TraceOutcome } from './experiment.js';
import { BASELINE_FAMILIES, PROJECT, PROJECT_FAMILY } from './policies/index.js';

/**
 * The simulation's report: medians over the seeds of every score of every policy setting; per family the Pareto
 * frontier of bot-minutes against p95 wait; the project's operating point against the best point of every
 * baseline's frontier that waits no longer (the goal: ≥ 30 % fewer bot-minutes); the expected start's error; the
 * service level per group. As JSON and as markdown tables.
 */
export interface Medians {
  botMinutes: number;
  beyondDemandMinutes: number;
  workMinutes: number;
  p50WaitMinutes: number;
  p95WaitMinutes: number;
  maxWaitMinutes: number;
  pastSla: number;
  timedOut: number;
  runs: number;
  botsCreated: number;
  botsNeverUsed: number;
  worstGroupSlowdown: number;
  fairness: number;
}

export interface FrontierPoint {
  name: string;
  knobs: string;
  botMinutes: number;
  p95WaitMinutes: number;
}

export interface Comparison {
  family: string;
  familyLabel: string;
  /** the cheapest point of the family's frontier whose p95 wait is at most the project's; null when none is */
  best: FrontierPoint | null;
  /** the family's point with the lowest p95 wait (shown when no point waits as little as the project) */
  lowestWait: FrontierPoint;
  /** project bot-minutes ÷ best's; null when no point waits as little */
  ratio: number | null;
  /** ratio ≤ 0.70, or no point of the family reaches the project's p95 wait */
  goalMet: boolean;
}

export interface ServiceLevelRow {
  groupId: string;
  targetWaitMinutes?: number;
  minUtilization?: number;
  p95WaitMinutes: number;
  utilization: number;
  botMinutes: number;
  waitMet: boolean | null;
  utilizationMet: boolean | null;
}

export interface TraceSummary {
  name: string;
  description: string;
  sla: string;
  heldOut: boolean;
  seeds: number[];
  parameters?: Record<string, unknown>;
  medians: Record<string, Medians & { label: string; family: string; familyLabel: string; knobs: string }>;
  frontiers: Record<string, FrontierPoint[]>;
  operatingPoint: FrontierPoint | null;
  comparisons: Comparison[];
  estimate: { runs: number; medianAbsMinutes: number; p90AbsMinutes: number; medianRelative: number } | null;
  serviceLevels: ServiceLevelRow[];
  groups: Record<string, Record<string, { p95WaitMinutes: number; meanStretch: number }>>;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  const mid = sorted.length >> 1;
  const value = sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return Math.round(value * 1000) / 1000;
}

function mediansOf(scores: readonly Score[]): Medians {
  const m = (pick: (s: Score) => number) => median(scores.map(pick));
  return {
    botMinutes: m((s) => s.botMinutes),
    beyondDemandMinutes: m((s) => s.beyondDemandMinutes),
    workMinutes: m((s) => s.workMinutes),
    p50WaitMinutes: m((s) => s.waitMinutes.p50),
    p95WaitMinutes: m((s) => s.waitMinutes.p95),
    maxWaitMinutes: m((s) => s.waitMinutes.max),
    pastSla: m((s) => s.pastSla),
    timedOut: m((s) => s.timedOut),
    runs: m((s) => s.runs),
    botsCreated: m((s) => s.botsCreated),
    botsNeverUsed: m((s) => s.botsNeverUsed),
    worstGroupSlowdown: m((s) => s.worstGroupSlowdown),
    fairness: m((s) => s.fairness),
  };
}

export function ratio(ours: number, theirs: number): number | null {
  if (theirs === 0) return ours === 0 ? 1 : null;
  return Math.round((ours / theirs) * 100) / 100;
}

/** The points no other point beats on both bot-minutes and p95 wait (ties kept once), by bot-minutes. */
export function paretoFrontier(points: readonly FrontierPoint[]): FrontierPoint[] {
  const sorted = [...points].sort((a, b) => a.botMinutes - b.botMinutes || a.p95WaitMinutes - b.p95WaitMinutes);
  const out: FrontierPoint[] = [];
  let bestWait = Number.POSITIVE_INFINITY;
  for (const p of sorted) {
    if (p.p95WaitMinutes < bestWait) {
      out.push(p);
      bestWait = p.p95WaitMinutes;
    }
  }
  return out;
}

/** The project's point against one family's frontier: the cheapest point that waits no longer (p95). */
export function compare(project: FrontierPoint, frontier: readonly FrontierPoint[], family: string, familyLabel: string): Comparison {
  const eligible = frontier.filter((p) => p.p95WaitMinutes <= project.p95WaitMinutes);
  const best = eligible.length === 0 ? null : eligible.reduce((a, b) => (b.botMinutes < a.botMinutes ? b : a));
  const lowestWait = frontier.reduce((a, b) => (b.p95WaitMinutes < a.p95WaitMinutes ? b : a));
  const r = best === null ? null : ratio(project.botMinutes, best.botMinutes);
  return { family, familyLabel, best, lowestWait, ratio: r, goalMet: r === null || r <= 0.7 };
}

export function summarise(outcome: TraceOutcome): TraceSummary {
  const medians: TraceSummary['medians'] = {};
  const groups: TraceSummary['groups'] = {};
  const points = new Map<string, FrontierPoint[]>();
  for (const p of outcome.policies) {
    const m = mediansOf(p.scores);
    medians[p.name] = { label: p.label, family: p.family, familyLabel: p.familyLabel, knobs: p.knobs, ...m };
    const list = points.get(p.family) ?? [];
    list.push({ name: p.name, knobs: p.knobs, botMinutes: m.botMinutes, p95WaitMinutes: m.p95WaitMinutes });
    points.set(p.family, list);
    const names = Object.keys(p.scores[0]?.groups ?? {});
    groups[p.name] = Object.fromEntries(
      names.map((g) => [
        g,
        {
          p95WaitMinutes: median(p.scores.map((s) => s.groups[g]?.p95WaitMinutes ?? 0)),
          meanStretch: median(p.scores.map((s) => s.groups[g]?.meanStretch ?? 1)),
        },
      ]),
    );
  }
  const frontiers: TraceSummary['frontiers'] = {};
  for (const [family, list] of points) frontiers[family] = paretoFrontier(list);
  const ours = medians[PROJECT];
  const operatingPoint = ours === undefined ? null : { name: PROJECT, knobs: ours.knobs, botMinutes: ours.botMinutes, p95WaitMinutes: ours.p95WaitMinutes };
  const comparisons: Comparison[] = [];
  if (operatingPoint !== null) {
    for (const family of BASELINE_FAMILIES) {
      const frontier = frontiers[family];
      const label = outcome.policies.find((p) => p.family === family)?.familyLabel ?? family;
      if (frontier !== undefined && frontier.length > 0) comparisons.push(compare(operatingPoint, frontier, family, label));
    }
  }
  const projectScores = outcome.policies.find((p) => p.name === PROJECT)?.scores ?? [];
  const estimates = projectScores.map((s) => s.estimate).filter((e) => e !== undefined);
  const estimate =
    estimates.length === 0
      ? null
      : {
          runs: median(estimates.map((e) => e.runs)),
          medianAbsMinutes: median(estimates.map((e) => e.medianAbsMinutes)),
          p90AbsMinutes: median(estimates.map((e) => e.p90AbsMinutes)),
          medianRelative: median(estimates.map((e) => e.medianRelative)),
        };
  const serviceLevels: ServiceLevelRow[] = Object.entries(outcome.serviceLevels).map(([groupId, sl]) => {
    const p95 = median(projectScores.map((s) => s.groups[groupId]?.p95WaitMinutes ?? 0));
    const utilization = median(projectScores.map((s) => s.groups[groupId]?.utilization ?? 0));
    return {
      groupId,
      ...sl,
      p95WaitMinutes: p95,
      utilization,
      botMinutes: median(projectScores.map((s) => s.groups[groupId]?.botMinutes ?? 0)),
      waitMet: sl.targetWaitMinutes === undefined ? null : p95 <= sl.targetWaitMinutes,
      utilizationMet: sl.minUtilization === undefined ? null : utilization >= sl.minUtilization,
    };
  });
  return {
    name: outcome.name,
    description: outcome.description,
    sla: outcome.sla,
    heldOut: outcome.heldOut,
    seeds: outcome.seeds,
    ...(outcome.parameters === undefined ? {} : { parameters: outcome.parameters }),
    medians,
    frontiers,
    operatingPoint,
    comparisons,
    estimate,
    serviceLevels,
    groups,
  };
}

const n = (v: number) => (Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-US') : Number.isInteger(v) ? String(v) : v.toFixed(1));
const pct = (v: number) => `${Math.round(v * 100)} %`;

function resultsTable(summary: TraceSummary): string {
  const lines = [
    `| setting | knobs | bot-min | beyond demand | p50 wait | p95 wait | max wait | past SLA | bots created (never used) | on its frontier |`,
    `|---|---|---:|---:|---:|---:|---:|---:|---:|:---:|`,
  ];
  for (const [name, m] of Object.entries(summary.medians)) {
    const onFrontier = (summary.frontiers[m.family] ?? []).some((p) => p.name === name) ? 'yes' : '';
    lines.push(
      `| ${m.label} | ${m.knobs} | ${n(m.botMinutes)} | ${n(m.beyondDemandMinutes)} | ${n(m.p50WaitMinutes)} | ${n(m.p95WaitMinutes)} | ${n(m.maxWaitMinutes)} | ${n(m.pastSla)}/${n(m.runs)} | ${n(m.botsCreated)} (${n(m.botsNeverUsed)}) | ${onFrontier} |`,
    );
  }
  return lines.join('\n');
}

/** One line per trace and baseline family: the goal beside the measured figure. */
export function goalsTable(summaries: readonly TraceSummary[]): string {
  const lines = ["| trace | baseline | its best point at p95 ≤ the project's | project bot-min ÷ it (goal ≤ 0.70) | met |", '|---|---|---|---:|:---:|'];
  for (const s of summaries) {
    const op = s.operatingPoint;
    for (const c of s.comparisons) {
      const best =
        c.best === null
          ? `none: its lowest p95 is ${n(c.lowestWait.p95WaitMinutes)} min (${c.lowestWait.knobs}) vs the project's ${n(op?.p95WaitMinutes ?? 0)}`
          : `${c.best.knobs}: ${n(c.best.botMinutes)} bot-min, p95 ${n(c.best.p95WaitMinutes)} min`;
      lines.push(
        `| ${s.name}${s.heldOut ? ' (held out)' : ''} | ${c.familyLabel} | ${best} | ${c.ratio === null ? '–' : c.ratio.toFixed(2)} | ${c.goalMet ? 'yes' : `**no** (gap ${c.ratio === null ? '' : pct(c.ratio - 0.7)})`} |`,
      );
    }
  }
  return lines.join('\n');
}

export function estimateTable(summaries: readonly TraceSummary[]): string {
  const lines = [
    '| trace | runs that waited > 1 min | median abs error (min) | p90 abs error (min) | median error ÷ actual wait (goal ≤ 0.20) | met |',
    '|---|---:|---:|---:|---:|:---:|',
  ];
  for (const s of summaries) {
    const e = s.estimate;
    if (e === null) lines.push(`| ${s.name} | 0 | – | – | – | – |`);
    else
      lines.push(
        `| ${s.name} | ${n(e.runs)} | ${n(e.medianAbsMinutes)} | ${n(e.p90AbsMinutes)} | ${e.medianRelative.toFixed(2)} | ${e.medianRelative <= 0.2 ? 'yes' : '**no**'} |`,
      );
  }
  return lines.join('\n');
}

export function serviceLevelTable(summaries: readonly TraceSummary[]): string {
  const lines = [
    '| trace | group | targetWaitMinutes | its p95 wait | met | minUtilization | its utilization | met | its bot-min |',
    '|---|---|---:|---:|:---:|---:|---:|:---:|---:|',
  ];
  for (const s of summaries) {
    for (const r of s.serviceLevels) {
      const yes = (v: boolean | null) => (v === null ? '–' : v ? 'yes' : '**no**');
      lines.push(
        `| ${s.name} | ${r.groupId} | ${r.targetWaitMinutes ?? '–'} | ${n(r.p95WaitMinutes)} | ${yes(r.waitMet)} | ${r.minUtilization ?? '–'} | ${r.utilization.toFixed(2)} | ${yes(r.utilizationMet)} | ${n(r.botMinutes)} |`,
      );
    }
  }
  return lines.join('\n');
}

export function markdownReport(summaries: readonly TraceSummary[], header: string): string {
  const parts = [
    header,
    '',
    "### Goal 1: the project's operating point against the best point of every baseline's frontier (medians over the seeds)",
    '',
    goalsTable(summaries),
    '',
    "### Goal 2: the expected start time's error (the project's operating point)",
    '',
    estimateTable(summaries),
    '',
    "### Service level per group (the project's operating point)",
    '',
    serviceLevelTable(summaries),
  ];
  for (const s of summaries) {
    parts.push(
      '',
      `### ${s.name}${s.heldOut ? ' (held out)' : ''}`,
      '',
      s.description,
      `SLA: ${s.sla}. Seeds ${s.seeds.join(', ')}. Minutes; medians over the seeds.`,
      '',
      resultsTable(s),
    );
  }
  return `${parts.join('\n')}\n`;
}

export { PROJECT_FAMILY };

/** For bench/summary.ts: the goal table (the project against every baseline's frontier). */
export function ratiosTable(summaries: readonly TraceSummary[], _labels?: Record<string, string>): string {
  return goalsTable(summaries);
}
