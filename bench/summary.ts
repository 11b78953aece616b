import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ratiosTable, type TraceSummary } from '../simulator/report.js';
import type { Stats } from './stats.js';

/**
 * bench/results/summary.md: one markdown page of every result file there is (runs.json, bots.json,
 * planner-durable.json, simulation.json); a missing file is said, not fatal. The last step of `npm run bench`
 * (called by bench/planner-and-durable.ts); `node --import tsx bench/summary.ts` writes it alone.
 */
const RESULTS = path.join(import.meta.dirname, 'results');

type WithThroughput = Stats & { throughputPerSecond?: number };
interface RunsResult {
  measuredAt: string;
  submit: Record<string, WithThroughput>;
  claim: Record<string, WithThroughput>;
  cosmosRequestsPerRun: { submit: number; claimPlusFinish: number };
  queueOperationsPerRun?: { submitMessagesSent: number; claim: { receives: number; messagesReceived: number; settles: number } };
}
interface BotsResult {
  at: string;
  dispatchToIdleBotMs: Stats;
  submitToEndedRoundTripMs: Stats;
  runWaitingToProvisionCallMs: Stats;
}
interface PlannerResult {
  at: string;
  machine: { cpus: number; cpu?: string; memoryGiB: number; node: string };
  planner: Record<string, Stats | string>;
  plannerGrowth?: { groups: Record<string, number>; botsPerGroup: Record<string, number>; queuedPerGroup: Record<string, number> };
  durable?: { trivial: Stats; oneActivity: Stats };
}

function read<T>(file: string): T | undefined {
  const full = path.join(RESULTS, file);
  return existsSync(full) ? (JSON.parse(readFileSync(full, 'utf8')) as T) : undefined;
}

const row = (what: string, s: WithThroughput | undefined, unit = 'ms') =>
  s === undefined ? `| ${what} | – | – | – | – | – |` : `| ${what} | ${s.n} | ${s.p50} ${unit} | ${s.p99} ${unit} | ${s.max} ${unit} | ${s.throughputPerSecond === undefined ? '' : `${s.throughputPerSecond}/s`} |`;

function localCloud(runs: RunsResult | undefined, bots: BotsResult | undefined): string[] {
  const out = ['## Local cloud (`npm run bench`)', ''];
  if (runs === undefined && bots === undefined) return [...out, 'No runs.json or bots.json yet.'];
  out.push('| measure | n | p50 | p99 | max | throughput |', '|---|---:|---:|---:|---:|---:|');
  out.push(row('dispatch of a run to an idle warm bot (queued → started, server clock)', bots?.dispatchToIdleBotMs));
  out.push(row('run waiting with no free bot → the provision call of its bot', bots?.runWaitingToProvisionCallMs));
  out.push(row('submit → run ended, one run at a time on a warm bot (client)', bots?.submitToEndedRoundTripMs));
  for (const [key, label] of [
    ['concurrency1', 'submit over HTTP, concurrency 1'],
    ['concurrency16', 'submit over HTTP, concurrency 16'],
    ['concurrency64', 'submit over HTTP, concurrency 64'],
  ] as const) {
    out.push(row(label, runs?.submit[key]));
  }
  out.push(row('claim (in process), 1 claimer', runs?.claim.oneClaimer), row('claim (in process), 8 concurrent claimers', runs?.claim.eightClaimers));
  if (runs !== undefined) {
    const q = runs.queueOperationsPerRun;
    out.push('', '| operations per run | submit | claim + finish |', '|---|---:|---:|');
    out.push(`| Cosmos DB requests | ${runs.cosmosRequestsPerRun.submit} | ${runs.cosmosRequestsPerRun.claimPlusFinish} |`);
    if (q !== undefined) out.push(`| Service Bus operations | ${q.submitMessagesSent} message sent | ${q.claim.receives} receive, ${q.claim.messagesReceived} message, ${q.claim.settles} settle |`);
  }
  return out;
}

function planner(result: PlannerResult | undefined): string[] {
  const out = ['## Planner scale (pure `plan()`, µs per plan)', ''];
  if (result === undefined) return [...out, 'No planner-durable.json yet.'];
  const base = result.planner.base_10g_50b_10000q;
  if (typeof base === 'object') out.push(`10 groups × 50 bots × 10,000 queued runs: **p50 ${base.p50} µs**, p99 ${base.p99} µs (n ${base.n}).`, '');
  const g = result.plannerGrowth;
  if (g !== undefined) {
    out.push('| grows with | sizes → p50 µs (others at 10 × 50 × 10,000) |', '|---|---|');
    const line = (label: string, values: Record<string, number>) => `| ${label} | ${Object.entries(values).map(([k, v]) => `${Number(k).toLocaleString('en')}: ${v}`).join(' · ')} |`;
    out.push(line('groups', g.groups), line('bots per group', g.botsPerGroup), line('queued runs per group', g.queuedPerGroup));
  }
  if (result.durable !== undefined) out.push('', `Durable (local extension): trivial orchestration p50 ${result.durable.trivial.p50} ms, one activity p50 ${result.durable.oneActivity.p50} ms.`);
  return out;
}

function simulation(result: { traces: TraceSummary[]; settings: { seeds: number[] } } | undefined): string[] {
  const out = ['## Simulation (`npm run simulate`): this project ÷ each baseline, medians', ''];
  if (result === undefined) return [...out, 'No simulation.json yet.'];
  const labels: Record<string, string> = {};
  for (const t of result.traces) for (const [name, m] of Object.entries(t.medians)) labels[name] = m.label;
  return [...out, ratiosTable(result.traces, labels), '', `${result.settings.seeds.length} seeds; the full tables are in simulation.md.`];
}

export function writeSummary(): string {
  const runs = read<RunsResult>('runs.json');
  const bots = read<BotsResult>('bots.json');
  const plannerResult = read<PlannerResult>('planner-durable.json');
  const sim = read<{ traces: TraceSummary[]; settings: { seeds: number[] } }>('simulation.json');
  const m = plannerResult?.machine;
  const lines = [
    '# Benchmark summary',
    '',
    `Written by \`npm run bench\` from bench/results/*.json${m === undefined ? '' : ` on ${m.cpus} × ${m.cpu ?? 'CPU'}, ${m.memoryGiB} GiB, Node ${m.node}`}. See docs/benchmarks.md for what the numbers mean.`,
    '',
    ...localCloud(runs, bots),
    '',
    ...planner(plannerResult),
    '',
    ...simulation(sim),
  ];
  const file = path.join(RESULTS, 'summary.md');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`wrote ${path.relative(process.cwd(), writeSummary())}\n`);
}
