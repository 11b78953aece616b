import type { Score } from './metrics.js';
import type { TraceOutcome } from './experiment.js';
import { BASELINES, PROJECT } from './policies/index.js';

/**
 * The simulation's report: medians over the seeds of every score, the project/baseline ratios of bot-minutes
 * and p95 wait on each trace, as JSON and as markdown tables.
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

export interface Ratio {
  botMinutes: number | null;
  p95Wait: number | null;
}

export interface TraceSummary {
  name: string;
  description: string;
  sla: string;
  medians: Record<string, Medians & { label: string }>;
  /** this project's median over each baseline's median; null when the baseline's is 0 and ours is not */
  ratios: Record<string, Ratio>;
  groups: Record<string, Record<string, { p95WaitMinutes: number; meanStretch: number }>>;
  perSeed: Record<string, Score[]>;
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

export function summarise(outcome: TraceOutcome): TraceSummary {
  const medians: TraceSummary['medians'] = {};
  const perSeed: TraceSummary['perSeed'] = {};
  const groups: TraceSummary['groups'] = {};
  for (const p of outcome.policies) {
    medians[p.name] = { label: p.label, ...mediansOf(p.scores) };
    perSeed[p.name] = p.scores;
    const names = Object.keys(p.scores[0]?.groups ?? {});
    groups[p.name] = Object.fromEntries(
      names.map((g) => [g, { p95WaitMinutes: median(p.scores.map((s) => s.groups[g]?.p95WaitMinutes ?? 0)), meanStretch: median(p.scores.map((s) => s.groups[g]?.meanStretch ?? 1)) }]),
    );
  }
  const ours = medians[PROJECT];
  const ratios: TraceSummary['ratios'] = {};
  for (const b of BASELINES) {
    const theirs = medians[b];
    if (ours === undefined || theirs === undefined) continue;
    ratios[b] = { botMinutes: ratio(ours.botMinutes, theirs.botMinutes), p95Wait: ratio(ours.p95WaitMinutes, theirs.p95WaitMinutes) };
  }
  return { name: outcome.name, description: outcome.description, sla: outcome.sla, medians, ratios, groups, perSeed };
}

const n = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));
const r = (v: number | null) => (v === null ? '∞ (baseline 0)' : `${v.toFixed(2)}×`);

function resultsTable(summary: TraceSummary): string {
  const lines = [
    `| policy | bot-min | beyond demand | p50 wait | p95 wait | max wait | past SLA | timed out | worst group slowdown | Jain | bots created (never used) |`,
    `|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|`,
  ];
  for (const m of Object.values(summary.medians)) {
    lines.push(`| ${m.label} | ${n(m.botMinutes)} | ${n(m.beyondDemandMinutes)} | ${n(m.p50WaitMinutes)} | ${n(m.p95WaitMinutes)} | ${n(m.maxWaitMinutes)} | ${n(m.pastSla)}/${n(m.runs)} | ${n(m.timedOut)} | ${m.worstGroupSlowdown.toFixed(2)} | ${m.fairness.toFixed(2)} | ${n(m.botsCreated)} (${n(m.botsNeverUsed)}) |`);
  }
  return lines.join('\n');
}

export function ratiosTable(summaries: readonly TraceSummary[], labels: Record<string, string>): string {
  const head = BASELINES.map((b) => `bot-min vs ${labels[b] ?? b} | p95 wait vs ${labels[b] ?? b}`).join(' | ');
  const lines = [`| trace | ${head} |`, `|---|${BASELINES.map(() => '---:|---:').join('|')}|`];
  for (const s of summaries) lines.push(`| ${s.name} | ${BASELINES.map((b) => `${r(s.ratios[b]?.botMinutes ?? null)} | ${r(s.ratios[b]?.p95Wait ?? null)}`).join(' | ')} |`);
  return lines.join('\n');
}

export function markdownReport(summaries: readonly TraceSummary[], header: string): string {
  const labels: Record<string, string> = {};
  for (const s of summaries) for (const [name, m] of Object.entries(s.medians)) labels[name] = m.label;
  const parts = [header, '', '### This project ÷ each baseline (medians over the seeds; below 1 is better for this project)', '', ratiosTable(summaries, labels)];
  for (const s of summaries) {
    parts.push('', `### ${s.name}`, '', s.description, `SLA: ${s.sla}. Minutes; medians over the seeds.`, '', resultsTable(s));
    const groupNames = Object.keys(Object.values(s.groups)[0] ?? {});
    if (groupNames.length > 1) {
      parts.push('', `p95 wait per group: ${Object.entries(s.groups).map(([p, g]) => `${labels[p] ?? p} ${groupNames.map((name) => `${name} ${n(g[name]?.p95WaitMinutes ?? 0)}`).join(' / ')}`).join('; ')}.`);
    }
  }
  return `${parts.join('\n')}\n`;
}
