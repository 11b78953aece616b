import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ratiosTable, type TraceSummary } from '../simulator/report.js';
import type { Stats } from './stats.js';

/**
 * bench/results/summary.md: one markdown page of every result file there is (runs.json, bots.json,
 * planner-durable.json, per-run-cost.json, scale.json, soak.json or soak-short.json, simulation.json); a missing file is
 * said, not fatal. The last step of `npm run bench`
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

interface Spread {
  mean: number;
  min: number;
  max: number;
}
interface CostResult {
  measuredAt: string;
  loadAverage: { atEnd: Record<string, number> };
  depths: Record<string, { runs: number; perRun: Record<string, Spread>; heartbeatsPerMinute?: number }>;
  goals: { writesRatioDeepestToZero: { ratio?: number } };
}
interface ScaleResult {
  measuredAt: string;
  sizes: { groups: number; botsPerGroup: number; queuedAtRounds: number };
  loadAverage: { atEnd: Record<string, number> };
  planningRound: {
    atFullScale?: Stats;
    atFullScaleOwnProcess?: Stats;
    byGroupsNothingQueued: Record<string, Stats>;
    byQueuedRunsAllGroups: Record<string, Stats>;
  };
  submit: { emptyQueue: Record<string, WithThroughput>; fullQueue: Record<string, WithThroughput> };
  claimsUnderLoad: { claim: Stats };
  memory: Array<{ at: string; hostRssMiB?: number }>;
}
interface SoakResult {
  measuredAt: string;
  sizes: { minutes: number; runs: number; groups: number; windowMinutes: number };
  invariants: Record<string, { checked: number; violations: number }>;
  drift: {
    submitLatencyMs: { firstWindow: Stats; lastWindow: Stats };
    hostRssMiB: { firstWindowMean?: number; lastWindowMean?: number; growthPercent?: number };
  };
}

function read<T>(file: string): T | undefined {
  const full = path.join(RESULTS, file);
  return existsSync(full) ? (JSON.parse(readFileSync(full, 'utf8')) as T) : undefined;
}

const row = (what: string, s: WithThroughput | undefined, unit = 'ms') =>
  s === undefined
    ? `| ${what} | – | – | – | – | – |`
    : `| ${what} | ${s.n} | ${s.p50} ${unit} | ${s.p99} ${unit} | ${s.max} ${unit} | ${s.throughputPerSecond === undefined ? '' : `${s.throughputPerSecond}/s`} |`;

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
    if (q !== undefined)
      out.push(
        `| Service Bus operations | ${q.submitMessagesSent} message sent | ${q.claim.receives} receive, ${q.claim.messagesReceived} message, ${q.claim.settles} settle |`,
      );
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
    const line = (label: string, values: Record<string, number>) =>
      `| ${label} | ${Object.entries(values)
        .map(([k, v]) => `${Number(k).toLocaleString('en')}: ${v}`)
        .join(' · ')} |`;
    out.push(line('groups', g.groups), line('bots per group', g.botsPerGroup), line('queued runs per group', g.queuedPerGroup));
  }
  if (result.durable !== undefined)
    out.push(
      '',
      `Durable (local extension): trivial orchestration p50 ${result.durable.trivial.p50} ms, one activity p50 ${result.durable.oneActivity.p50} ms.`,
    );
  return out;
}

function costAndScale(cost: CostResult | undefined, scale: ScaleResult | undefined, soak: { file: string; result: SoakResult } | undefined): string[] {
  const out = ['## Cost and scale (`npm run bench:cost`, `npm run bench:scale`, `npm run soak`)', ''];
  if (cost === undefined) out.push('No per-run-cost.json yet.');
  else {
    out.push(
      '| queue depth (other group) | runs | Cosmos writes / run | reads | queries (+ as many plans) | Service Bus ops / run | controller rounds / run |',
      '|---:|---:|---:|---:|---:|---:|---:|',
    );
    const f = (s: Spread | undefined) => (s === undefined ? '–' : `${s.mean} (${s.min}–${s.max})`);
    for (const [depth, d] of Object.entries(cost.depths)) {
      out.push(
        `| ${Number(depth).toLocaleString('en')} | ${d.runs} | ${f(d.perRun.cosmosWrites)} | ${f(d.perRun.cosmosReads)} | ${f(d.perRun.cosmosQueries)} | ${f(d.perRun.serviceBusOperations)} | ${f(d.perRun.controllerRoundsEstimated)} |`,
      );
    }
    out.push(
      '',
      `Writes ratio deepest ÷ depth 0: ${cost.goals.writesRatioDeepestToZero.ratio ?? '–'} (${cost.measuredAt}, load average ${cost.loadAverage.atEnd['1m']}).`,
    );
  }
  out.push('');
  if (scale === undefined) out.push('No scale.json yet.');
  else {
    const z = scale.sizes;
    out.push(
      `${z.groups} groups × ${z.botsPerGroup} bots, ${z.queuedAtRounds.toLocaleString('en')} queued (${scale.measuredAt}, load average ${scale.loadAverage.atEnd['1m']}):`,
      '',
    );
    out.push('| measure | n | p50 | p99 | max | throughput |', '|---|---:|---:|---:|---:|---:|');
    out.push(row('planning round with its reads, full size', scale.planningRound.atFullScale));
    if (scale.planningRound.atFullScaleOwnProcess)
      out.push(row('planning round with its reads, full size, from its own process', scale.planningRound.atFullScaleOwnProcess));
    for (const [g, s2] of Object.entries(scale.planningRound.byGroupsNothingQueued)) out.push(row(`planning round, ${g} group(s), nothing queued`, s2));
    for (const [q, s2] of Object.entries(scale.planningRound.byQueuedRunsAllGroups))
      out.push(row(`planning round, ${Number(q).toLocaleString('en')} queued`, s2));
    for (const [k, s2] of Object.entries(scale.submit.emptyQueue)) out.push(row(`submit, empty queue, ${k}`, s2));
    for (const [k, s2] of Object.entries(scale.submit.fullQueue)) out.push(row(`submit, full queue, ${k}`, s2));
    out.push(row('agent claim under submit load', scale.claimsUnderLoad.claim));
    out.push('', `Host RSS (MiB): ${scale.memory.map((m) => `${m.at} ${m.hostRssMiB ?? '–'}`).join(' · ')}.`);
  }
  out.push('');
  if (soak === undefined) out.push('No soak result yet.');
  else {
    const r = soak.result;
    const violations = Object.values(r.invariants).reduce((n, v) => n + v.violations, 0);
    const d = r.drift;
    out.push(
      `Soak (${soak.file}, ${r.sizes.minutes} min, ${r.sizes.runs} runs, ${r.sizes.groups} groups): ${violations} invariant violations; submit p50 ${d.submitLatencyMs.firstWindow.p50} → ${d.submitLatencyMs.lastWindow.p50} ms, p99 ${d.submitLatencyMs.firstWindow.p99} → ${d.submitLatencyMs.lastWindow.p99} ms; host RSS ${d.hostRssMiB.firstWindowMean ?? '–'} → ${d.hostRssMiB.lastWindowMean ?? '–'} MiB (${d.hostRssMiB.growthPercent ?? '–'} %), first vs last ${r.sizes.windowMinutes} min.`,
    );
  }
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
  const cost = read<CostResult>('per-run-cost.json');
  const scale = read<ScaleResult>('scale.json');
  const soakFile = existsSync(path.join(RESULTS, 'soak.json')) ? 'soak.json' : 'soak-short.json';
  const soakResult = read<SoakResult>(soakFile);
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
    ...costAndScale(cost, scale, soakResult === undefined ? undefined : { file: soakFile, result: soakResult }),
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
