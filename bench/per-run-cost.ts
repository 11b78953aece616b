import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startLocalCloud } from '../local/stack/local-cloud.js';
import { updateBot } from '../app/bots/bot-records.js';
import { runPlanningRound } from '../app/bots/planning-round.js';
import { buildClients } from '../composition/root/clients.js';
import { loadAppConfig } from '../app/config/app-config.js';
import { sweepRunDeadlines } from '../app/maintenance/run-deadlines.js';
import { busyHeartbeatWrites, heartbeatWriteAfterMs } from '../domain/agent-heartbeat.js';
import { BUSY_CANCEL_WAIT_MS, BUSY_FIRST_HEARTBEAT_MS, BUSY_HEARTBEAT_MS } from '../agent/agent-loop.js';
import { BenchAgent } from './agent-http.js';
import {
  addGroup,
  adminApi,
  cosmosWrites,
  createEnvironment,
  difference,
  envNumber,
  hostExecutions,
  loadAverage,
  rawRun,
  runsContainer,
  seedQueuedRuns,
  serviceBusOperations,
  settle,
  snapshot,
  submitBody,
  writeBotRecords,
  type OperationCounts,
} from './bench-world.js';
import { BENCH_CLOUD_SETTINGS } from './bench-settings.js';
import { machineInfo } from './stats.js';

/**
 * `npm run bench:cost`: what one run costs end to end, counted at the peers (Cosmos reads, writes, queries and query
 * plans per container; Service Bus sends, receives, completes, abandons), at queue depths 0, 10,000 and 100,000.
 * Each run: submit over HTTP; the host's work it causes (controller rounds); the agent's wake-up received and
 * completed and its claim over the agent HTTP API; the busy heartbeats of a 1-minute run; the finish over the agent
 * HTTP API and the round it wakes; one tick of the run-deadline sweep. Writes bench/results/per-run-cost.json.
 */

const RUNS = envNumber('COST_RUNS', 50);
const DEPTHS = (process.env.COST_DEPTHS ?? '0,10000,100000').split(',').map(Number);
const RUN_SECONDS = 60;
/** a depth stops early when this runs out (at least 5 runs; its `runs` says how many) */
const DEPTH_BUDGET = envNumber('COST_DEPTH_BUDGET_SECONDS', 240);

type Phase = 'submit' | 'roundsAfterSubmit' | 'claim' | 'heartbeat' | 'finish' | 'roundsAfterFinish' | 'deadlineSweep';
const PHASES: Phase[] = ['submit', 'roundsAfterSubmit', 'claim', 'heartbeat', 'finish', 'roundsAfterFinish', 'deadlineSweep'];

interface RunCost {
  phases: Record<Phase, OperationCounts>;
  /** of the heartbeats of a minute, those due for a record refresh (the only ones that write) */
  heartbeatsDuePerMinute: number;
  /** function executions per phase, counted at the host (the heartbeat phase scaled to a minute as its counts are) */
  executions: Record<Phase, number>;
  heartbeatsPerMinute: number;
}

const log = (line: string) => process.stdout.write(`${line}\n`);

function scaled(c: OperationCounts, k: number): OperationCounts {
  const cosmos: OperationCounts['cosmos'] = {};
  for (const [n, x] of Object.entries(c.cosmos)) cosmos[n] = { reads: x.reads * k, writes: x.writes * k, queries: x.queries * k, queryPlans: x.queryPlans * k };
  const s = c.serviceBus;
  return { cosmos, serviceBus: { send: s.send * k, receive: s.receive * k, complete: s.complete * k, abandon: s.abandon * k, deadLetter: s.deadLetter * k } };
}

function sum(list: OperationCounts[]): OperationCounts {
  const zero: OperationCounts = { cosmos: {}, serviceBus: { send: 0, receive: 0, complete: 0, abandon: 0, deadLetter: 0 } };
  return list.reduce((acc, c) => difference(c, scaled(acc, -1)), zero);
}

const round2 = (v: number) => Math.round(v * 100) / 100;

/** Mean, min and max over runs of one figure. */
function spread(values: number[]): { mean: number; min: number; max: number } {
  return { mean: round2(values.reduce((a, b) => a + b, 0) / Math.max(1, values.length)), min: Math.min(...values), max: Math.max(...values) };
}

/** Per-run means by container and operation, for one phase (or the total). */
function meanCounts(list: OperationCounts[]): OperationCounts {
  return scaled(sum(list), 1 / Math.max(1, list.length));
}

function rounded(c: OperationCounts): OperationCounts {
  const cosmos: OperationCounts['cosmos'] = {};
  for (const [n, x] of Object.entries(c.cosmos)) {
    if (x.reads + x.writes + x.queries + x.queryPlans === 0) continue;
    cosmos[n] = { reads: round2(x.reads), writes: round2(x.writes), queries: round2(x.queries), queryPlans: round2(x.queryPlans) };
  }
  const s = c.serviceBus;
  return {
    cosmos,
    serviceBus: {
      send: round2(s.send),
      receive: round2(s.receive),
      complete: round2(s.complete),
      abandon: round2(s.abandon),
      deadLetter: round2(s.deadLetter),
    },
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  const loadAtStart = loadAverage();
  log('Starting a local cloud for the cost bench…');
  const cloud = await startLocalCloud({ port: 0, settings: BENCH_CLOUD_SETTINGS });
  const deps = buildClients(loadAppConfig(cloud.settings));
  const runs = runsContainer(cloud);
  try {
    const api = await adminApi(cloud);
    // two groups of one bot each, the bots' records written already up: the controller has nothing to create or
    // release (its idle timeout is a day), so every run goes to the bench's agent
    const env = await createEnvironment(api, 2, 'Cost bench');
    const measured = await addGroup(api, env, 'Measured', 1);
    const deep = await addGroup(api, env, 'Deep queue', 1);
    const [identity] = await writeBotRecords(deps, env, measured.groupId, 1, 'Ready');
    await writeBotRecords(deps, env, deep.groupId, 1, 'Busy');
    if (!identity) throw new Error('no bot');
    const agent = await BenchAgent.of(cloud, deps, identity);
    const executionCount = async () => Object.values(await hostExecutions(cloud)).reduce((a, b) => a + b, 0);

    // the deep queue's runs are clones of one run submitted to the deep group over HTTP
    const templateId = String((await api.must('POST', `environments/${env.envId}/runs`, submitBody(env, deep, 0), 202)).id);
    const template = await rawRun(runs.container, env.envId, templateId);
    await settle(cloud);

    // the timeout mechanism: one tick of the run-deadline sweep (every minute in Azure, per environment, whatever
    // the number of runs), charged whole to each run: a 1-minute run alone in its environment lives through one tick
    let sweepTick = snapshot(cloud);
    const measureSweepTick = async () => {
      const before = snapshot(cloud);
      await sweepRunDeadlines(deps);
      sweepTick = difference(snapshot(cloud), before);
    };
    await measureSweepTick();

    const oneRun = async (i: number): Promise<RunCost> => {
      const marks: OperationCounts[] = [snapshot(cloud)];
      const execs: number[] = [await executionCount()];
      const mark = async () => {
        marks.push(snapshot(cloud));
        execs.push(await executionCount());
      };
      const run = await api.must('POST', `environments/${env.envId}/runs`, submitBody(env, measured, i), 202);
      const runId = String(run.id);
      await mark();
      await settle(cloud, 500);
      await mark();
      // the agent's wake-up: received and completed by the agent around its claim
      const wakeUp = await deps.queues.receiveOne(measured.groupId, 2_000);
      const claim = await agent.claim();
      await wakeUp?.complete();
      if (!('assignedRun' in claim) || claim.assignedRun.runId !== runId) throw new Error(`claim: ${JSON.stringify(claim)}`);
      await mark();
      // one busy heartbeat whose record is due for refresh, as every busy heartbeat is at the interval the
      // protocol asks for (made due outside the counts)
      await updateBot(deps, identity, (b) => ({ ...b, lastHeartbeatAt: new Date(Date.now() - 3_600_000).toISOString() }));
      const before = snapshot(cloud);
      const execsBefore = await executionCount();
      const heartbeat = await agent.heartbeat(runId, BUSY_CANCEL_WAIT_MS);
      marks.push(before, snapshot(cloud));
      execs.push(execsBefore, await executionCount());
      // and one right after it, whose record is fresh: it writes nothing
      const freshBefore = snapshot(cloud);
      await agent.heartbeat(runId, BUSY_CANCEL_WAIT_MS);
      const fresh = difference(snapshot(cloud), freshBefore);
      await mark();
      await agent.finish(runId);
      await mark();
      await settle(cloud, 500);
      await mark();
      const d = (a: number, b: number) => difference(marks[b] as OperationCounts, marks[a] as OperationCounts);
      // the agent beats every BUSY_HEARTBEAT_MS while busy, each beat held up to BUSY_CANCEL_WAIT_MS (cancel within 2 s)
      const perMinute = Math.ceil((RUN_SECONDS * 1000) / Math.min(BUSY_HEARTBEAT_MS, heartbeat.nextHeartbeatMs));
      // of those, the ones due for a record refresh (heartbeatWriteAfterMs; the claim's Busy write stored the first);
      // the others cost what the fresh one did
      const writeAfterMs = heartbeatWriteAfterMs(true, deps.config.BOT_HEARTBEAT_TIMEOUT_SECONDS);
      const dueMinute = Math.min(perMinute, busyHeartbeatWrites(RUN_SECONDS * 1000, BUSY_FIRST_HEARTBEAT_MS, BUSY_HEARTBEAT_MS, writeAfterMs));
      const e = (a: number, b: number) => (execs[b] as number) - (execs[a] as number);
      return {
        phases: {
          submit: d(0, 1),
          roundsAfterSubmit: d(1, 2),
          claim: d(2, 3),
          heartbeat: sum([scaled(d(4, 5), dueMinute), scaled(fresh, perMinute - dueMinute)]),
          finish: d(6, 7),
          roundsAfterFinish: d(7, 8),
          deadlineSweep: sweepTick,
        },
        // the deadline sweep runs in process here; in Azure one timer execution a minute per app, shared by all runs
        executions: {
          submit: e(0, 1),
          roundsAfterSubmit: e(1, 2),
          claim: e(2, 3),
          heartbeat: e(4, 5) * perMinute,
          finish: e(6, 7),
          roundsAfterFinish: e(7, 8),
          deadlineSweep: 0,
        },
        heartbeatsPerMinute: perMinute,
        heartbeatsDuePerMinute: dueMinute,
      };
    };

    // one planning round in process: its bots-container queries name a round in the counts (rounds are estimated so)
    const roundCost = async () => {
      const before = snapshot(cloud);
      await runPlanningRound(deps, env.envId, async (e, g) => (await deps.runs.queries.nextQueued(e, g, 1))[0]?.queuedAt);
      return difference(snapshot(cloud), before);
    };

    log('warm-up: 3 runs');
    for (let i = 0; i < 3; i++) await oneRun(i);

    const depths: Record<string, unknown> = {};
    let seeded = 1;
    for (const depth of DEPTHS) {
      if (depth > seeded) {
        log(`seeding the deep group to ${depth.toLocaleString('en')} queued runs…`);
        const seconds = await seedQueuedRuns(runs.container, template, deep.groupId, depth - seeded);
        log(`  ${(depth - seeded).toLocaleString('en')} runs in ${seconds.toFixed(1)} s`);
        seeded = depth;
        await settle(cloud);
      }
      const round = await roundCost();
      await measureSweepTick();
      const botsQueriesPerRound = round.cosmos.bots?.queries ?? 0;
      log(`queue depth ${depth.toLocaleString('en')}: ${RUNS} runs (at most ${DEPTH_BUDGET} s)`);
      const costs: RunCost[] = [];
      const deadline = Date.now() + DEPTH_BUDGET * 1000;
      for (let i = 0; i < RUNS && (i < 5 || Date.now() < deadline); i++) costs.push(await oneRun(i));
      const totals = costs.map((c) => sum(PHASES.map((p) => c.phases[p])));
      const rounds = costs.map(
        (c) =>
          ((c.phases.roundsAfterSubmit.cosmos.bots?.queries ?? 0) + (c.phases.roundsAfterFinish.cosmos.bots?.queries ?? 0)) / Math.max(1, botsQueriesPerRound),
      );
      const cosmosOf = (c: OperationCounts, k: 'reads' | 'writes' | 'queries' | 'queryPlans') => Object.values(c.cosmos).reduce((n, x) => n + x[k], 0);
      depths[String(depth)] = {
        queuedInOtherGroup: seeded,
        runs: costs.length,
        perRun: {
          cosmosWrites: spread(totals.map(cosmosWrites)),
          cosmosReads: spread(totals.map((t) => cosmosOf(t, 'reads'))),
          cosmosQueries: spread(totals.map((t) => cosmosOf(t, 'queries'))),
          cosmosQueryPlans: spread(totals.map((t) => cosmosOf(t, 'queryPlans'))),
          serviceBusOperations: spread(totals.map(serviceBusOperations)),
          functionExecutions: spread(costs.map((c) => PHASES.reduce((n, p) => n + c.executions[p], 0))),
          functionExecutionsWithoutHeartbeats: spread(costs.map((c) => PHASES.reduce((n, p) => (p === 'heartbeat' ? n : n + c.executions[p]), 0))),
          controllerRoundsEstimated: spread(rounds.map(round2)),
        },
        meanExecutionsByPhase: Object.fromEntries(PHASES.map((p) => [p, round2(costs.reduce((n, c) => n + c.executions[p], 0) / Math.max(1, costs.length))])),
        meanPerRunByPhase: Object.fromEntries(PHASES.map((p) => [p, rounded(meanCounts(costs.map((c) => c.phases[p])))])),
        meanPerRunTotal: rounded(meanCounts(totals)),
        heartbeatsPerMinute: costs[0]?.heartbeatsPerMinute,
        heartbeatsDuePerMinute: costs[0]?.heartbeatsDuePerMinute,
        oneHeartbeat: rounded(meanCounts(costs.map((c) => scaled(c.phases.heartbeat, 1 / c.heartbeatsPerMinute)))),
        onePlanningRoundInProcess: rounded(round),
        oneDeadlineSweepTick: rounded(sweepTick),
      };
    }

    const at = (depth: number) =>
      depths[String(depth)] as
        | {
            perRun: { cosmosWrites: { mean: number }; serviceBusOperations: { mean: number }; functionExecutionsWithoutHeartbeats: { mean: number } };
            oneHeartbeat: OperationCounts;
          }
        | undefined;
    const first = at(DEPTHS[0] ?? 0);
    const last = at(DEPTHS[DEPTHS.length - 1] ?? 0);
    const result = {
      measuredAt: new Date().toISOString(),
      machine: machineInfo(),
      loadAverage: { atStart: loadAtStart, atEnd: loadAverage() },
      wallSeconds: Math.round((Date.now() - started) / 1000),
      method: [
        'Counts at the peers (Cosmos peer: reads, writes, queries, query plans per container; Service Bus peer: send, receive, complete, abandon, deadLetter), per run, difference of snapshots around each phase.',
        "submit: POST /runs over HTTP; roundsAfterSubmit: everything the host did until the peers were quiet for 500 ms (the controller rounds the submit woke); claim: the agent receives and completes the wake-up on the group queue and calls POST /agent/claim; heartbeat: one busy POST /agent/heartbeat whose record is due for refresh and one right after it (fresh record: no write), each held as the agent asks (cancelWaitMs BUSY_CANCEL_WAIT_MS: the run re-read every second until then), measured once per run; a minute holds 60 s / BUSY_HEARTBEAT_MS heartbeats (the agent's busy cadence), of which 60 s / heartbeatWriteAfterMs are due for a refresh; finish: POST /agent/runs/{id}/finish; roundsAfterFinish: the host until quiet (the round the finish wakes); deadlineSweep: one tick of the run-deadline sweep (sweepRunDeadlines in process, at the same depth), charged whole to every run (a 1-minute run alone in its environment lives through one tick of the 1-minute schedule; with k runs in flight each pays 1/k).",
        'Function executions: counted at the host (GET /admin/host/executions, the local stand-in for Function Execution Count) around the same phases; the heartbeat phase scaled to a minute like its counts.',
        'Controller rounds are estimated as the bots-container queries after submit and finish divided by those of one planning round run in process at the same depth.',
        'Not counted: the Durable Functions storage (Azurite queues and tables) of the controller orchestration; the stuck-run and orphan sweeps (off here; every 5 min in Azure, their cost is per environment, not per run).',
        "The deep queue: Queued runs of another group of the same environment, clones of one run submitted over HTTP, created through the Cosmos SDK's bulk API against the peer (100 creates a request, 4 requests in flight), queued within the last hour (none due for the queued timeout); they have no queue message.",
      ],
      depths,
      goals: {
        cosmosWritesPerRun: { goal: '≤ 8', measuredMean: first?.perRun.cosmosWrites.mean, reached: first !== undefined && first.perRun.cosmosWrites.mean <= 8 },
        serviceBusOperationsPerRun: {
          goal: '≤ 3',
          measuredMean: first?.perRun.serviceBusOperations.mean,
          reached: first !== undefined && first.perRun.serviceBusOperations.mean <= 3,
        },
        functionExecutionsPerRunWithoutHeartbeats: {
          goal: '≤ 3 (submit, claim, finish) plus the heartbeats',
          measuredMean: first?.perRun.functionExecutionsWithoutHeartbeats.mean,
          reached: first !== undefined && first.perRun.functionExecutionsWithoutHeartbeats.mean <= 3,
        },
        writesRatioDeepestToZero: {
          goal: '≤ 1.1',
          depths: [DEPTHS[0], DEPTHS[DEPTHS.length - 1]],
          ratio: first && last ? round2(last.perRun.cosmosWrites.mean / first.perRun.cosmosWrites.mean) : undefined,
        },
      },
    };
    const dir = path.join(import.meta.dirname, 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'per-run-cost.json'), `${JSON.stringify(result, null, 2)}\n`);
    log(
      JSON.stringify(
        { goals: result.goals, perRun: Object.fromEntries(Object.entries(depths).map(([k, v]) => [k, (v as { perRun: unknown }).perRun])) },
        null,
        2,
      ),
    );
  } finally {
    runs.close();
    await deps.queues.close();
    await cloud.stop();
  }
}

await main();
