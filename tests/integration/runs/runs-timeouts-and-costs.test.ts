import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCloud, type LocalCloud } from '../../../local/stack/local-cloud.js';
import { planningInput } from '../../../app/bots/planning-round.js';
import type { EnvironmentDocument } from '../../../domain/environment.js';
import { mintToken } from '../../../local/stack/token-issuer.js';
import type { AppClients } from '../../../composition/root/clients.js';
import { claimNextRun } from '../../../app/runs/claim.js';
import { sweepRunDeadlines } from '../../../app/maintenance/run-deadlines.js';
import { finishRun } from '../../../app/runs/finish.js';
import { NEXT_QUEUED_SQL } from '../../../adapters/cosmos/cosmos-run-queries.js';
import { ApiClient } from '../../support/api-client.js';
import { expectExactlyOnceInOrder, raceClaimers } from '../../support/run-claimers.js';
import { createRunWorld, inProcessServices, readRun, sleep, submit, submitManyInProcess, type RunWorld } from '../../support/run-fixtures.js';
import { MAINTENANCE_TIMERS_OFF } from '../../support/timer-schedules.js';
import { aBotRecord } from '../../support/maintenance-fixtures.js';
import { updateBot } from '../../../app/bots/bot-records.js';
import { busyHeartbeatWrites, heartbeatWriteAfterMs } from '../../../domain/agent-heartbeat.js';
import { BUSY_FIRST_HEARTBEAT_MS, BUSY_HEARTBEAT_MS } from '../../../agent/agent-loop.js';

// A second local cloud of its own, so that (1) the queued-run timeout is seconds long (QUEUED_RUN_TIMEOUT_MINUTES
// 0.05 = 3 s) and the real run-deadline sweep plays it out on the real host, fired on demand, (2) store requests can be
// counted at this cloud's Cosmos peer, and (3) this cloud's Service Bus peer can deliver duplicates.

const QUEUED_TIMEOUT_SECONDS = 3;

let cloud: LocalCloud;
let deps: AppClients;
let admin: ApiClient;

beforeAll(async () => {
  // no maintenance timer on a schedule and no controller safety timer to speak of: their requests would land in the
  // counts below (a submission still wakes its environment's controller: the counts wait for it, see cosmosRequests)
  cloud = await startLocalCloud({
    port: 0,
    settings: { QUEUED_RUN_TIMEOUT_MINUTES: String(QUEUED_TIMEOUT_SECONDS / 60), CONTROLLER_INTERVAL_SECONDS: '3600', ...MAINTENANCE_TIMERS_OFF },
  });
  deps = inProcessServices(cloud.settings);
  const userId = 'timeouts-admin';
  admin = new ApiClient(cloud.baseUrl, await mintToken(cloud.issuer, { userId, platformAdmin: true }), userId);
});

afterAll(async () => {
  // the Service Bus client goes before the peer it talks to
  await deps?.queues.close();
  await cloud?.stop();
});

/** Fires the run-deadline sweep on this cloud's host now, as its timer would, and waits for it to finish. */
async function fireDeadlineSweep(): Promise<void> {
  const res = await fetch(`${cloud.baseUrl}/admin/functions/runDeadlineSweep?wait=true`, { method: 'POST', body: '{}' });
  expect(res.status).toBeLessThan(300);
}

describe('timeouts (the run-deadline sweep, no orchestration per run)', () => {
  it('ends a run still queued after QUEUED_RUN_TIMEOUT_MINUTES as TimedOut (NoCandidateMachine); a run claimed in time is left running', async () => {
    const w = await createRunWorld(admin);
    const waiting = await submit(w);
    const taken = await submit(w, { timeoutMinutes: 60 });
    // taken is second in line: move it first so that this claim takes it
    await admin.post(`environments/${w.envId}/runs/${taken.id}/move-to-top`);
    const claim = await claimNextRun(deps, { environmentId: w.envId, groupId: w.groupId, botId: 'in-time' });
    expect('run' in claim && claim.run.id).toBe(taken.id);

    // before its deadline the sweep leaves it queued
    await fireDeadlineSweep();
    expect((await readRun(w, waiting.id)).body.state).toBe('Queued');
    await sleep(QUEUED_TIMEOUT_SECONDS * 1000 + 200);
    await fireDeadlineSweep();
    const ended = await readRun(w, waiting.id);
    expect(ended.body).toMatchObject({ state: 'TimedOut', error: { code: 'NoCandidateMachine' } });
    const waited = Date.parse(ended.body.endedAt ?? '') - Date.parse(waiting.queuedAt);
    expect(waited).toBeGreaterThanOrEqual(QUEUED_TIMEOUT_SECONDS * 1000);
    // the claimed run is within its 60 minutes: left running; no Durable instance was started for either run
    expect((await readRun(w, taken.id)).body.state).toBe('Running');
    const watchdog = await fetch(
      `${cloud.baseUrl}/runtime/webhooks/durabletask/instances/run-${waiting.id}?taskHub=${cloud.settings.DURABLE_TASK_HUB}&connection=Storage`,
    );
    expect(watchdog.status).toBe(404);
    // what the sweep did is on the maintenance log
    const log = await admin.get(`environments/${w.envId}/maintenance`);
    expect(log.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ sweep: 'runDeadlines', action: 'runTimedOut', reason: 'NoCandidateMachine', runId: waiting.id })]),
    );
  });

  it('ends a run running past its timeoutMinutes as TimedOut and tells its bot to stop (the sweep, a minute later)', async () => {
    const w = await createRunWorld(admin);
    const run = await submit(w, { timeoutMinutes: 1 });
    await claimNextRun(deps, { environmentId: w.envId, groupId: w.groupId, botId: 'slow-bot' });
    const scoped: AppClients = { ...deps, environmentIds: async () => [w.envId] };
    expect((await sweepRunDeadlines(scoped)).actions).toEqual([]);
    const aMinuteLater: AppClients = { ...scoped, now: () => new Date(Date.now() + 61_000) };
    const swept = await sweepRunDeadlines(aMinuteLater);
    expect(swept.actions).toEqual([expect.objectContaining({ action: 'runTimedOut', reason: 'RunTimeout', runId: run.id })]);
    expect((await readRun(w, run.id)).body).toMatchObject({ state: 'TimedOut', cancelRequested: true, error: { code: 'RunTimeout' } });
    // a second sweep finds nothing more; the bot's late report changes nothing
    expect((await sweepRunDeadlines(aMinuteLater)).actions).toEqual([]);
    const late = await finishRun(deps, { environmentId: w.envId, runId: run.id, botId: 'slow-bot', outcome: 'Succeeded', outputs: { x: '1' } });
    expect(late).toMatchObject({ changed: false, run: { state: 'TimedOut' } });
  });
});

/** Counts calls through a port, by method name. */
function counted<T extends object>(target: T, calls: string[], prefix: string): T {
  return new Proxy(target, {
    get(obj, key, receiver) {
      const value: unknown = Reflect.get(obj, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(`${prefix}.${String(key)}`);
        return (value as (...a: unknown[]) => unknown).apply(obj, args);
      };
    },
  });
}

/** Each count is the fewest of this many tries (the one no other function of the host ran into). */
const COUNT_TRIES = 5;

describe('what one run costs, from submission to its end', () => {
  let w: RunWorld;
  const calls: string[] = [];
  let countedDeps: AppClients;

  beforeAll(async () => {
    w = await createRunWorld(admin);
    countedDeps = {
      ...deps,
      store: counted(deps.store, calls, 'cosmos'),
      runs: { docs: counted(deps.runs.docs, calls, 'cosmos'), queries: counted(deps.runs.queries, calls, 'cosmos') },
      queues: counted(deps.queues, calls, 'servicebus'),
      dispatchGates: counted(deps.dispatchGates, calls, 'gate'),
    };
    // warm every client up (connections, container metadata) so that only per-run requests are counted
    await submit(w);
    await claimNextRun(deps, { environmentId: w.envId, groupId: w.groupId, botId: 'warm' });
  });

  /**
   * Cosmos requests at the peer while `work` runs: the fewest of `times` tries, each after a short pause, because other
   * functions of the host (the environment controller that a submission wakes) make requests of their own.
   */
  async function cosmosRequests(work: () => Promise<unknown>, times = COUNT_TRIES): Promise<number> {
    let fewest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < times; i++) {
      await sleep(400);
      const before = cloud.cosmos.counters.requests;
      await work();
      fewest = Math.min(fewest, cloud.cosmos.counters.requests - before);
    }
    return fewest;
  }

  it('claims with TOP and an ORDER BY on one field, at a cost that does not grow with the queue', async () => {
    expect(NEXT_QUEUED_SQL).toMatch(/^SELECT TOP @top \* FROM c WHERE /);
    expect(NEXT_QUEUED_SQL.match(/ORDER BY/g)).toHaveLength(1);
    expect(NEXT_QUEUED_SQL).toMatch(/ORDER BY c\.dispatchKey ASC$/);

    let bot = 0;
    const claimOne = async () => {
      calls.length = 0;
      const result = await claimNextRun(countedDeps, { environmentId: w.envId, groupId: w.groupId, botId: `cost-${++bot}` });
      if (!('run' in result)) throw new Error(`nothing claimed: ${result.none}`);
      return [...calls];
    };
    await submitManyInProcess(deps, w, COUNT_TRIES + 1, 1);
    const shortQueue = await cosmosRequests(claimOne);
    const shortCalls = await claimOne();
    await submitManyInProcess(deps, w, 150, 16);
    const longQueue = await cosmosRequests(claimOne);
    const longCalls = await claimOne();
    expect(longQueue).toBe(shortQueue);
    // 5 document operations + the dispatch gate's read and conditional patch
    expect(shortQueue).toBe(9);
    expect(longCalls).toEqual(shortCalls);
    expect(shortCalls.filter((c) => c.startsWith('cosmos.'))).toHaveLength(5);
    expect(shortCalls.filter((c) => c.startsWith('gate.'))).toEqual(['gate.read', 'gate.confirm']);
    expect(shortCalls.filter((c) => c.startsWith('servicebus.'))).toEqual(['servicebus.receiveOne']);
    console.log(
      `claim: ${shortQueue} Cosmos requests at the peer with ${COUNT_TRIES + 1} queued, ${longQueue} with 150 queued; calls ${shortCalls.join(', ')}`,
    );
  });

  it('checks MAX_QUEUED_RUNS_PER_GROUP with one COUNT query, at a cost that does not grow with the queue', async () => {
    const v = await createRunWorld(admin);
    const submitOne = async () => {
      calls.length = 0;
      await submitManyInProcess(countedDeps, v, 1, 1);
      return calls.filter((c) => c.startsWith('cosmos.'));
    };
    const shortQueue = await cosmosRequests(submitOne);
    const shortCalls = await submitOne();
    await submitManyInProcess(deps, v, 150, 16);
    const longQueue = await cosmosRequests(submitOne);
    const longCalls = await submitOne();
    expect(shortCalls.filter((c) => c === 'cosmos.queuedCount')).toHaveLength(1);
    expect(longCalls).toEqual(shortCalls);
    expect(longQueue).toBe(shortQueue);
    console.log(`submit: ${shortQueue} Cosmos requests at the peer with a few queued, ${longQueue} with 150 more queued; calls ${shortCalls.join(', ')}`);
  });

  it("reads a planning round's run counts with COUNT aggregates, at a cost that does not grow with the queue", async () => {
    const v = await createRunWorld(admin);
    const env = await deps.store.get<EnvironmentDocument>(v.envId, v.envId);
    if (!env) throw new Error('no environment');
    const readPlan = () => planningInput(deps, env, async (envId, groupId) => (await deps.runs.queries.nextQueued(envId, groupId, 1))[0]?.queuedAt);
    await submitManyInProcess(deps, v, 1, 1);
    const shortQueue = await cosmosRequests(readPlan);
    await submitManyInProcess(deps, v, 250, 16);
    const longQueue = await cosmosRequests(readPlan);
    const { input } = await readPlan();
    expect(input.groups.find((g) => g.id === v.groupId)?.queued.normal).toBe(251);
    expect(longQueue).toBe(shortQueue);
    console.log(`planning input: ${shortQueue} Cosmos requests at the peer with 1 queued, ${longQueue} with 251 queued`);
  });

  it('counts the store and queue operations of one run (figures quoted in docs/queueing.md)', async () => {
    const v = await createRunWorld(admin);
    await submit(v);
    await claimNextRun(deps, { environmentId: v.envId, groupId: v.groupId, botId: 'warm-2' });

    const submitCosmos = await cosmosRequests(() => submit(v));
    let key = 0;
    const keyedCosmos = await cosmosRequests(() => submit(v, {}, { 'idempotency-key': `k-${++key}` }));
    // runs for the claims to take whatever this cloud's 3 s queued timeout did to those above (the deadline sweep is off on this cloud: they wait)
    await submitManyInProcess(deps, v, COUNT_TRIES, 1);

    const claimed: string[] = [];
    let claimCalls: string[] = [];
    const claimCosmos = await cosmosRequests(async () => {
      calls.length = 0;
      const result = await claimNextRun(countedDeps, { environmentId: v.envId, groupId: v.groupId, botId: `cost-run-${claimed.length}` });
      if (!('run' in result)) throw new Error(`nothing claimed: ${result.none}`);
      claimed.push(result.run.id);
      claimCalls = [...calls];
    });
    let finishCalls: string[] = [];
    let finished = 0;
    const finishCosmos = await cosmosRequests(async () => {
      calls.length = 0;
      const i = finished++;
      await finishRun(countedDeps, {
        environmentId: v.envId,
        runId: claimed[i] ?? '',
        botId: `cost-run-${i}`,
        outcome: 'Succeeded',
        outputs: { invoice: '42' },
      });
      finishCalls = [...calls];
    });
    const pollCosmos = await cosmosRequests(() => readRun(v, claimed[0] ?? ''));

    // point reads and writes are one request each; every query is two (the SDK asks the gateway for a query plan first):
    // the submission's 5 reads and 1 create, plus the queue-length COUNT (MAX_QUEUED_RUNS_PER_GROUP), plus the audit
    // entry: written once, ahead of the change, in its final form (implied by the run's existence). The fewest of the
    // tries is one made with the group's maxBots runs queued already, so it does not read whether the controller must
    // plan (round-needed.ts)
    expect(submitCosmos).toBe(9);
    expect(keyedCosmos).toBe(11);
    expect(claimCalls).toEqual([
      'cosmos.get',
      'cosmos.get',
      'cosmos.runningOn',
      'gate.read',
      'servicebus.receiveOne',
      'cosmos.nextQueued',
      'cosmos.replace',
      'gate.confirm',
    ]);
    expect(claimCosmos).toBe(9);
    expect(finishCalls).toEqual(['cosmos.get', 'cosmos.replace']);
    expect(finishCosmos).toBe(2);
    // environment, member, run and group, plus the run's flow version (its definition)
    expect(pollCosmos).toBe(5);
    console.log(JSON.stringify({ submitCosmos, keyedCosmos, claimCosmos, claimCalls, finishCosmos, finishCalls, pollCosmos }));
  });
});

describe('Cosmos writes per run, counted at the peer (issue #19: at most 8)', () => {
  /** Writes at this cloud's Cosmos peer while `work` runs, all containers together. */
  async function writesOf(work: () => Promise<unknown>): Promise<number> {
    const before = cloud.cosmos.operations.total().writes;
    await work();
    return cloud.cosmos.operations.total().writes - before;
  }

  async function agentCall<T>(token: string, route: string, body: unknown): Promise<T> {
    const res = await fetch(`${cloud.baseUrl}/api/agent/${route}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    expect(res.status, `agent ${route}: ${text}`).toBe(200);
    return JSON.parse(text) as T;
  }

  it('submit ≤ 2 (the run, its audit entry once), claim ≤ 3, busy heartbeats of a 1-minute run ≤ 1, finish ≤ 2: ≤ 8 in all', async () => {
    const w = await createRunWorld(admin);
    // room for the bot, so that no controller round releases it (a submit an idle bot takes wakes none)
    expect((await admin.patch(`environments/${w.envId}`, { capacity: 2 })).status).toBe(200);
    await sleep(1_000);
    const bot = await aBotRecord(deps, w.envId, w.groupId, 'Ready');
    const identity = { environmentId: w.envId, groupId: w.groupId, botId: bot.id, credentialVersion: bot.credentialVersion };
    const token = await deps.botCredentials.issue(identity, deps.now());
    const perMinute = busyHeartbeatWrites(
      60_000,
      BUSY_FIRST_HEARTBEAT_MS,
      BUSY_HEARTBEAT_MS,
      heartbeatWriteAfterMs(true, deps.config.BOT_HEARTBEAT_TIMEOUT_SECONDS),
    );
    expect(deps.config.BOT_HEARTBEAT_TIMEOUT_SECONDS).toBe(120);
    expect(perMinute).toBe(1);
    // background work of the host (a controller round a submit wakes) can only add writes: the fewest of 3 runs counts
    const totals: Array<Record<string, number>> = [];
    for (let i = 0; i < 3; i++) {
      await sleep(400);
      let runId = '';
      const submitted = await writesOf(async () => (runId = (await submit(w)).id));
      let claim: { assignedRun?: { runId: string } } = {};
      const claimed = await writesOf(async () => (claim = await agentCall(token, 'claim', {})));
      expect(claim.assignedRun?.runId, JSON.stringify(claim)).toBe(runId);
      // a heartbeat whose record is due (made due outside the counts), then one whose record is fresh
      await updateBot(deps, identity, (b) => ({ ...b, lastHeartbeatAt: new Date(Date.now() - 3_600_000).toISOString() }));
      const due = await writesOf(() => agentCall(token, 'heartbeat', { runId }));
      const fresh = await writesOf(() => agentCall(token, 'heartbeat', { runId }));
      const finished = await writesOf(() => agentCall(token, `runs/${runId}/finish`, { outcome: 'Succeeded', outputs: {}, durationMs: 60_000 }));
      totals.push({ submitted, claimed, due, fresh, finished, total: submitted + claimed + due * perMinute + finished });
    }
    const fewest = (k: string) => Math.min(...totals.map((t) => t[k] ?? Number.POSITIVE_INFINITY));
    console.log(`writes per run: ${JSON.stringify(totals)}`);
    expect(fewest('submitted')).toBeLessThanOrEqual(2);
    expect(fewest('claimed')).toBeLessThanOrEqual(3);
    expect(fewest('due')).toBeLessThanOrEqual(1);
    expect(fewest('fresh')).toBe(0);
    expect(fewest('finished')).toBeLessThanOrEqual(2);
    expect(fewest('total')).toBeLessThanOrEqual(8);
  });
});

describe('duplicate delivery by the Service Bus peer', () => {
  it('8 concurrent claimers over 200 runs, with half of the completed messages delivered again: each run claimed once, in order', async () => {
    const w = await createRunWorld(admin);
    const runs = await submitManyInProcess(deps, w, 200, 16, (i) => ({ priority: i % 4 === 0 ? 'High' : 'Normal' }));
    cloud.serviceBus.faults.duplicateDeliveryRate = 0.5;
    try {
      const race = await raceClaimers(deps, w, 8);
      expectExactlyOnceInOrder(runs, race);
      expect(race.nothingQueued).toBeGreaterThan(20);
    } finally {
      cloud.serviceBus.faults.duplicateDeliveryRate = 0;
    }
  });
});
