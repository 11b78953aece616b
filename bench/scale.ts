import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { startLocalCloud, type LocalCloud } from '../local/stack/local-cloud.js';
import { planningInput, runPlanningRound } from '../app/bots/planning-round.js';
import type { BotIdentity } from '../app/bots/bot-credentials.js';
import { buildClients, type AppClients } from '../composition/root/clients.js';
import { loadAppConfig } from '../app/config/app-config.js';
import type { EnvironmentDocument } from '../domain/environment.js';
import { plan } from '../domain/planner/index.js';
import type { RunDocument } from '../domain/run.js';
import { BenchAgent } from './agent-http.js';
import {
  addGroup,
  adminApi,
  createEnvironment,
  difference,
  envNumber,
  loadAverage,
  rawRun,
  rssMiB,
  runsContainer,
  seedQueuedRuns,
  settle,
  snapshot,
  submitBody,
  timed,
  writeBotRecords,
  type Api,
  type BenchEnvironment,
  type OperationCounts,
} from './bench-world.js';
import { BENCH_CLOUD_SETTINGS } from './bench-settings.js';
import { recordGcPauses, type GcPauses } from './gc-pauses.js';
import type { RoundProcessJob, RoundProcessResult } from './round-process.js';
import { machineInfo, stats, type Stats } from './stats.js';

/**
 * `npm run bench:scale`: an environment of SCALE_GROUPS groups × SCALE_BOTS bots (records written as the planning
 * round writes them; no live agents needed to plan) and SCALE_QUEUED queued runs spread over the groups. Measures the
 * planning round with its reads (`runPlanningRound`, the code the controller's activity calls, in process against
 * the Cosmos peer with the real SDK), submit latency and throughput over HTTP at concurrency 1, 16 and 64 with an
 * empty queue and with the full one, claim latency over the agent HTTP API under submit load, the Functions host's
 * resident memory, and how the round grows from 1 to SCALE_GROUPS groups and from 1,000 to SCALE_QUEUED queued runs.
 * Writes bench/results/scale.json.
 */

const GROUPS = envNumber('SCALE_GROUPS', 10);
const BOTS = envNumber('SCALE_BOTS', 50);
const QUEUED = envNumber('SCALE_QUEUED', 100_000);
// 1,000: the p99 is then the 10th-slowest round, not the 2nd-slowest as at 200, so one hiccup of the machine does not make it
const ROUNDS = envNumber('SCALE_ROUNDS', 1_000);
const GROWTH_ROUNDS = envNumber('SCALE_GROWTH_ROUNDS', 30);
// 1,000 a series: at concurrency 64, 200 submits are about 3 per caller, so the series' start (64 at once on a cold
// path) and its drain (fewer and fewer callers) weigh as much as its steady state (docs/benchmarks.md)
const SUBMITS = envNumber('SCALE_SUBMITS', 1_000);
const CLAIMS = envNumber('SCALE_CLAIMS', 200);
const CLAIMERS = envNumber('SCALE_CLAIMERS', 8);
const ROUND_BUDGET = envNumber('SCALE_ROUND_BUDGET_SECONDS', 180);
/** a submit series or the claims stop early when this runs out (at least 20 done; n says how many) */
const SERIES_BUDGET = envNumber('SCALE_SERIES_BUDGET_SECONDS', 90);
const GROWTH_BUDGET = envNumber('SCALE_GROWTH_BUDGET_SECONDS', 60);

const log = (line: string) => process.stdout.write(`${line}\n`);
const round1 = (v: number) => Math.round(v * 10) / 10;

/**
 * Planning rounds of the environment, each timed whole (reads, plan, writes), one after the other: `n` of them, or
 * fewer when `budgetSeconds` runs out first (at least 3; the result's n says how many).
 */
async function timeRounds(
  cloud: LocalCloud,
  deps: AppClients,
  envId: string,
  n: number,
  budgetSeconds: number,
): Promise<Stats & { gc: GcPauses; cosmosRequestsPerRound: Record<string, number> }> {
  const oldestQueued = async (e: string, g: string) => (await deps.runs.queries.nextQueued(e, g, 1))[0]?.queuedAt;
  const samples: number[] = [];
  const deadline = Date.now() + budgetSeconds * 1000;
  const gc = recordGcPauses();
  const before = snapshot(cloud);
  for (let i = 0; i < n && (i < 3 || Date.now() < deadline); i++) samples.push((await timed(() => runPlanningRound(deps, envId, oldestQueued)))[1]);
  return { ...stats(samples), gc: gc(), cosmosRequestsPerRound: requestsPer(difference(snapshot(cloud), before), samples.length) };
}

/** Cosmos requests at the peer per round, by kind, all containers (the host's own requests meanwhile included: none while it idles). */
function requestsPer(counts: OperationCounts, rounds: number): Record<string, number> {
  const sum = { reads: 0, writes: 0, queries: 0, queryPlans: 0 };
  for (const c of Object.values(counts.cosmos)) for (const k of Object.keys(sum) as Array<keyof typeof sum>) sum[k] += c[k];
  const per = Object.fromEntries(Object.entries(sum).map(([k, v]) => [k, Math.round((v / rounds) * 100) / 100]));
  return { ...per, total: Math.round(((sum.reads + sum.writes + sum.queries + sum.queryPlans) / rounds) * 100) / 100 };
}

/**
 * The same rounds from a process of their own (bench/round-process.ts), as the controller's activity runs them in
 * Azure: the round's SDK work on one core, the Cosmos peer's on the other (in this process, which is idle meanwhile).
 */
async function timeRoundsInOwnProcess(cloud: LocalCloud, envId: string, n: number, budgetSeconds: number): Promise<RoundProcessResult & { peerGc: GcPauses }> {
  const job: RoundProcessJob = { settings: cloud.settings, environmentId: envId, rounds: n, budgetSeconds };
  const script = path.join(import.meta.dirname, 'round-process.ts');
  const peerGc = recordGcPauses();
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ROUND_PROCESS_JOB: JSON.stringify(job) },
    timeout: (budgetSeconds + 120) * 1000,
  });
  const last = stdout.trim().split('\n').pop() ?? '';
  return { ...(JSON.parse(last) as RoundProcessResult), peerGc: peerGc() };
}

/** The pure plan() on the round's input (µs), to show what of the round is reads. */
async function timePlanOnly(deps: AppClients, envId: string): Promise<Stats> {
  const env = await deps.store.get<EnvironmentDocument>(envId, envId);
  if (!env) throw new Error('no environment');
  const { input } = await planningInput(deps, env, async (e, g) => (await deps.runs.queries.nextQueued(e, g, 1))[0]?.queuedAt);
  const samples: number[] = [];
  for (let i = 0; i < 100; i++) {
    const t0 = performance.now();
    plan(input);
    samples.push((performance.now() - t0) * 1000);
  }
  return stats(samples);
}

/** `total` submits over HTTP by `concurrency` callers, spread over the groups. */
async function submitAt(api: Api, env: BenchEnvironment, total: number, concurrency: number): Promise<Stats & { throughputPerSecond: number }> {
  const samples: number[] = [];
  let next = 0;
  const t0 = performance.now();
  const deadline = Date.now() + SERIES_BUDGET * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= total || (i >= 20 && Date.now() > deadline)) return;
        const group = env.groups[i % env.groups.length];
        if (!group) return;
        const [res, ms] = await timed(() => api.call('POST', `environments/${env.envId}/runs`, submitBody(env, group, i)));
        if (res.status !== 202) throw new Error(`submit: ${res.status} ${JSON.stringify(res.json)}`);
        samples.push(ms);
      }
    }),
  );
  return { ...stats(samples), throughputPerSecond: round1(samples.length / ((performance.now() - t0) / 1000)) };
}

async function submitSeries(api: Api, env: BenchEnvironment): Promise<Record<string, Stats & { throughputPerSecond: number }>> {
  const out: Record<string, Stats & { throughputPerSecond: number }> = {};
  for (const c of [1, 16, 64]) {
    // not measured: the first wave at a new concurrency opens the sockets the lower one did not need (bench → host,
    // host → peers); without it the series' slowest requests are that wave's
    await submitAt(api, env, Math.max(20, 2 * c), c);
    log(`  submit at concurrency ${c}: ${SUBMITS}`);
    out[`concurrency${c}`] = await submitAt(api, env, SUBMITS, c);
  }
  return out;
}

/**
 * `CLAIMS` claims by `CLAIMERS` agents over the agent HTTP API (claim, then finish at once), while 16 callers submit:
 * the claim's latency under load.
 */
async function claimsUnderLoad(
  cloud: LocalCloud,
  deps: AppClients,
  api: Api,
  env: BenchEnvironment,
  identities: BotIdentity[],
): Promise<{ claim: Stats; finish: Stats; submitsMeanwhile: Stats & { throughputPerSecond: number } }> {
  const agents = await Promise.all(identities.map((id) => BenchAgent.of(cloud, deps, id)));
  const claims: number[] = [];
  const finishes: number[] = [];
  let next = 0;
  let claiming = true;
  const deadline = Date.now() + SERIES_BUDGET * 1000;
  const load = (async () => {
    const samples: number[] = [];
    const t0 = performance.now();
    let i = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (claiming) {
          const group = env.groups[i++ % env.groups.length];
          if (!group) return;
          const [res, ms] = await timed(() => api.call('POST', `environments/${env.envId}/runs`, submitBody(env, group, i)));
          if (res.status === 202) samples.push(ms);
        }
      }),
    );
    return { ...stats(samples), throughputPerSecond: round1(samples.length / ((performance.now() - t0) / 1000)) };
  })();
  await Promise.all(
    agents.map(async (agent) => {
      while (next++ < CLAIMS && (next <= 20 || Date.now() < deadline)) {
        const [claim, ms] = await timed(() => agent.claim());
        if (!('assignedRun' in claim)) throw new Error(`claim: ${JSON.stringify(claim)}`);
        claims.push(ms);
        finishes.push((await timed(() => agent.finish(claim.assignedRun.runId)))[1]);
      }
    }),
  );
  claiming = false;
  return { claim: stats(claims), finish: stats(finishes), submitsMeanwhile: await load };
}

async function main(): Promise<void> {
  const started = Date.now();
  const loadAtStart = loadAverage();
  const sizes = {
    groups: GROUPS,
    botsPerGroup: BOTS,
    queued: QUEUED,
    rounds: ROUNDS,
    roundBudgetSeconds: ROUND_BUDGET,
    growthRounds: GROWTH_ROUNDS,
    growthBudgetSeconds: GROWTH_BUDGET,
    seriesBudgetSeconds: SERIES_BUDGET,
    submitsPerConcurrency: SUBMITS,
    claims: CLAIMS,
    claimers: CLAIMERS,
  };
  log(`Scale bench ${JSON.stringify(sizes)}: starting a local cloud…`);
  // the bots have no agents to heartbeat: an hour's timeout keeps their Busy records alive for the whole bench (at 120 s
  // the rounds of a longer run found all 500 lost, and timed their recovery instead of the busy environment's round)
  const cloud = await startLocalCloud({ port: 0, settings: { ...BENCH_CLOUD_SETTINGS, BOT_HEARTBEAT_TIMEOUT_SECONDS: '3600' } });
  const deps = buildClients(loadAppConfig(cloud.settings));
  const runs = runsContainer(cloud);
  const memory: Array<{ at: string; hostRssMiB?: number; benchProcessRssMiB: number; loadAverage: ReturnType<typeof loadAverage> }> = [];
  const sampleMemory = (at: string) => {
    memory.push({ at, hostRssMiB: rssMiB(cloud.host.pid), benchProcessRssMiB: Math.round(process.memoryUsage().rss / 2 ** 20), loadAverage: loadAverage() });
    log(`  memory ${at}: host ${memory[memory.length - 1]?.hostRssMiB} MiB`);
  };
  try {
    const api = await adminApi(cloud);
    const env = await createEnvironment(api, GROUPS * BOTS, 'Scale bench');
    sampleMemory('started');

    // 1. the round from 1 to GROUPS groups, with an empty queue; every group holds BOTS busy bots (nothing to create)
    const byGroups: Record<string, Stats> = {};
    const idleBots: BotIdentity[] = [];
    const groupPoints = new Set([1, 3, GROUPS].filter((g) => g <= GROUPS));
    for (let g = 1; g <= GROUPS; g++) {
      const group = await addGroup(api, env, `Scale ${g}`, BOTS);
      const ids = await writeBotRecords(deps, env, group.groupId, BOTS, 'Busy');
      idleBots.push(...ids.slice(0, 1));
      if (groupPoints.has(g)) {
        log(`round with ${g} group(s), nothing queued: ${GROWTH_ROUNDS} rounds`);
        byGroups[String(g)] = await timeRounds(cloud, deps, env.envId, GROWTH_ROUNDS, GROWTH_BUDGET);
      }
    }
    sampleMemory(`${GROUPS} groups`);

    // 2. submit over HTTP with an (almost) empty queue: each series adds its own runs
    log('submit with an empty queue');
    await submitAt(api, env, 20, 4); // warm-up
    const submitEmpty = await submitSeries(api, env);
    await settle(cloud, 1000, 30_000);
    sampleMemory('after submits, empty queue');

    // 3. the round from 1,000 to QUEUED queued runs, seeded through the Cosmos SDK, spread over the groups
    const firstGroup = env.groups[0];
    if (!firstGroup) throw new Error('no group');
    const { items } = await deps.runs.queries.nextQueued(env.envId, firstGroup.groupId, 1).then((r) => ({ items: r }));
    const template: RunDocument = await rawRun(runs.container, env.envId, items[0]?.id ?? '');
    const countQueued = async () =>
      Object.values(
        await deps.runCounts.countsFor(
          env.envId,
          env.groups.map((g) => g.groupId),
        ),
      ).reduce((n, c) => n + c.queued, 0);
    let queued = await countQueued();
    const byQueued: Record<string, Stats> = {};
    const seeding: Array<{ to: number; seconds: number }> = [];
    const queuePoints = [...new Set([1_000, 10_000, QUEUED].filter((q) => q <= QUEUED))];
    let roundAtFull: Stats | undefined;
    for (const point of queuePoints) {
      if (point > queued) {
        const add = point - queued;
        log(`seeding ${add.toLocaleString('en')} queued runs over ${GROUPS} groups…`);
        let seconds = 0;
        for (const [i, g] of env.groups.entries())
          seconds += await seedQueuedRuns(runs.container, template, g.groupId, Math.floor(add / GROUPS) + (i < add % GROUPS ? 1 : 0));
        seeding.push({ to: point, seconds: round1(seconds) });
        queued = await countQueued();
      }
      const n = point === QUEUED ? ROUNDS : GROWTH_ROUNDS;
      log(`round with ${GROUPS} groups, ${queued.toLocaleString('en')} queued: ${n} rounds`);
      const s = await timeRounds(cloud, deps, env.envId, n, point === QUEUED ? ROUND_BUDGET : GROWTH_BUDGET);
      byQueued[String(point)] = s;
      if (point === QUEUED) roundAtFull = s;
      sampleMemory(`${point} queued`);
    }
    log(`round with ${GROUPS} groups, ${queued.toLocaleString('en')} queued, from a process of its own: ${ROUNDS} rounds`);
    const roundInOwnProcess = await timeRoundsInOwnProcess(cloud, env.envId, ROUNDS, ROUND_BUDGET);
    const planOnlyMicros = await timePlanOnly(deps, env.envId);

    // 4. submit and claim with the full queue
    log(`submit with ${queued.toLocaleString('en')} queued`);
    const submitFull = await submitSeries(api, env);
    await settle(cloud, 1000, 30_000);
    sampleMemory('after submits, full queue');
    log(`claims under load: ${CLAIMS} by ${CLAIMERS} agents, 16 callers submitting meanwhile`);
    const claimers = idleBots.slice(0, CLAIMERS);
    const claims = await claimsUnderLoad(cloud, deps, api, env, claimers);
    sampleMemory('after claims');

    const c64 = submitFull.concurrency64;
    const result = {
      measuredAt: new Date().toISOString(),
      machine: machineInfo(),
      loadAverage: { atStart: loadAtStart, atEnd: loadAverage() },
      wallSeconds: Math.round((Date.now() - started) / 1000),
      sizes: { ...sizes, queuedAtRounds: queued },
      method: [
        'Local cloud on this machine: the Functions host as a child process; the Cosmos and Service Bus peers in the bench process (so their CPU competes with the bench and the round).',
        'Bot records written as the planning round writes them, Busy, so the round has nothing to create or release; no live agents behind them (none are needed to plan).',
        'Queued runs seeded as clones of a run submitted over HTTP, through the Cosmos SDK against the peer (64 creates in flight), spread evenly over the groups.',
        "Planning round: runPlanningRound (what the controller activity planEnvironment calls), in process with the real SDK against the peer, rounds one after the other; ms. plan() alone on the same input: µs. cosmosRequestsPerRound: the requests the Cosmos peer served during those rounds, by kind (the SDK's query plan requests apart), divided by the rounds (the host, idle, sends none of its own meanwhile).",
        'Planning round from its own process (atFullScaleOwnProcess): the same rounds, on the same data, right after, from a child process (bench/round-process.ts) that builds the app clients from the local cloud settings, as the activity runs in the Functions host in Azure with Cosmos DB elsewhere: the SDK and the peer on separate cores, this process idle but for the peer. 10 rounds unmeasured first (the new process opens its sockets). stagesOwnProcess: the read stage the round waits for, alone, 60 times: the environment beside its lists (groups, images, live bots, stats) and its unfinished runs by group, state and priority (one GROUP BY: roundLists), from which the counts read nothing more. gcOwnProcess: garbage-collection pauses (perf_hooks) of the round process during its timed rounds and of this process (the peers) during the whole child run.',
        "The Cosmos peer (@vercel/cosmosdb-server) answers the round's COUNTs from an equality index kept on its writes, and its TOP n … ORDER BY and first pages from each tuple's entries kept sorted by the ordered field (local/stack/cosmos-query-index.ts), as Azure Cosmos DB answers them from its indexes; other queries scan the container in memory. The round's number of requests does not grow with the queue (bench:cost).",
        'Rounds at the full size: SCALE_ROUNDS, or fewer when SCALE_ROUND_BUDGET_SECONDS ran out (n says how many); growth points: SCALE_GROWTH_ROUNDS within SCALE_GROWTH_BUDGET_SECONDS; each submit series and the claims: SCALE_SUBMITS / SCALE_CLAIMS, or fewer when SCALE_SERIES_BUDGET_SECONDS ran out (at least 20).',
        'Submit: POST /runs over HTTP, latency at the caller; throughput = runs / wall seconds of the series; before each series, 2 × its concurrency submits (at least 20) at that concurrency, not measured (the sockets a higher concurrency opens). Claims: POST /agent/claim then /agent/runs/{id}/finish per claim, CLAIMERS agents of different groups, while 16 callers submit.',
        'Memory: VmRSS of the Functions host child process (/proc/<pid>/status), and the bench process (peers and bench).',
      ],
      planningRound: {
        atFullScale: roundAtFull,
        atFullScaleOwnProcess: roundInOwnProcess.rounds,
        stagesOwnProcess: roundInOwnProcess.stages,
        gcOwnProcess: { roundProcessDuringRounds: roundInOwnProcess.gcDuringRounds, peerProcessWholeRun: roundInOwnProcess.peerGc },
        goal: {
          p99Ms: 50,
          reached: roundAtFull !== undefined && roundAtFull.p99 <= 50,
          reachedOwnProcess: roundInOwnProcess.rounds.p99 <= 50,
        },
        byGroupsNothingQueued: byGroups,
        byQueuedRunsAllGroups: byQueued,
        planOnlyMicrosAtFullScale: planOnlyMicros,
      },
      seeding,
      submit: {
        emptyQueue: submitEmpty,
        fullQueue: submitFull,
        goal: {
          concurrency64ThroughputPerSecond: 2 * 75.9,
          concurrency64P99Ms: 500,
          reached: c64 !== undefined && c64.throughputPerSecond >= 2 * 75.9 && c64.p99 <= 500,
        },
      },
      claimsUnderLoad: claims,
      memory,
    };
    const dir = path.join(import.meta.dirname, 'results');
    mkdirSync(dir, { recursive: true });
    const file = process.env.SCALE_RESULT_FILE ?? 'scale.json';
    writeFileSync(path.join(dir, file), `${JSON.stringify(result, null, 2)}\n`);
    log(JSON.stringify({ planningRound: result.planningRound, submit: result.submit, claims, wallSeconds: result.wallSeconds }, null, 2));
  } finally {
    runs.close();
    await deps.queues.close();
    await cloud.stop();
  }
}

await main();
