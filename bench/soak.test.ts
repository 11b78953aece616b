import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { isEnded } from '../domain/run.js';
import { anEnvironmentWithGroups, outcomesOf, sleep, until, useFaultWorld } from '../tests/faults/fault-world.js';
import { conservation, everyAcceptedRunEnded, noOrchestrationFailed, noOrphanVms, noRunOnTwoBots, Sampler, withinLimits } from '../tests/faults/invariants.js';
import { FLOW } from '../tests/faults/scenario.js';
import { cHeapMiB, envNumber, hostHeapMiB, loadAverage, rssMiB } from './bench-world.js';
import { machineInfo, stats } from './stats.js';

/**
 * `npm run soak` (not in CI): SOAK_MINUTES of SOAK_RUNS runs submitted at an even pace over SOAK_GROUPS groups of
 * SOAK_BOTS bots each, done by the local stack's own bots, with the fault suite's injections on throughout (Cosmos 429
 * and 503, Service Bus duplicate deliveries, bursts of expired locks, dropped connections). At the end the reliability
 * invariants of tests/faults/invariants.ts, and the drift of the host's memory and of submit latency between the
 * first and the last window (5 minutes, or a quarter of a shorter soak). Writes bench/results/soak.json
 * (SOAK_RESULT_FILE to name another).
 */

const MINUTES = envNumber('SOAK_MINUTES', 30);
const RUNS = envNumber('SOAK_RUNS', 10_000);
const GROUPS = envNumber('SOAK_GROUPS', 10);
const BOTS = envNumber('SOAK_BOTS', 5);
const CAPACITY = envNumber('SOAK_CAPACITY', GROUPS * BOTS);
const SUBMITTERS = envNumber('SOAK_SUBMITTERS', 8);
const WINDOW_MS = Math.min(5, MINUTES / 4) * 60_000;
const RESULT_FILE = process.env.SOAK_RESULT_FILE ?? 'soak.json';
const SAMPLE_EVERY_MS = envNumber('SOAK_SAMPLE_SECONDS', 30) * 1000;
/**
 * Memory is sampled every 10 s. SOAK_LIVE_HEAP_SECONDS > 0 also samples the live heap (after a full collection) that
 * often; off by default, since forced collections keep the heap small and the resident-memory goal then says nothing.
 */
const LIVE_HEAP_EVERY_TICKS = Math.round(envNumber('SOAK_LIVE_HEAP_SECONDS', 0) / 10);

const world = useFaultWorld({});

interface Submitted {
  id?: string;
  atMs: number;
  latencyMs: number;
  retries: number;
}

it(
  `soak: ${RUNS} runs over ${GROUPS} groups in ${MINUTES} min with faults on; every invariant holds`,
  async () => {
    const w = world();
    const { cloud } = w;
    const t0 = Date.now();
    const loadAtStart = loadAverage();
    const { envId, groups } = await anEnvironmentWithGroups(
      w.admin,
      CAPACITY,
      Array.from({ length: GROUPS }, () => BOTS),
      FLOW,
    );
    const submitted: Submitted[] = [];
    const accepted = () => submitted.flatMap((s) => (s.id === undefined ? [] : [s.id]));
    // every 30 s: a sample reads every run of the environment (10,000 by the end), in the process that also hosts the
    // Cosmos peer, so sampling more often slows the system it measures
    const sampler = new Sampler(w.store, envId, accepted, SAMPLE_EVERY_MS);

    type MemorySample = { atMs: number; hostRssMiB?: number; cHeapMiB?: number; jsHeapUsedMiB?: number; externalMiB?: number; liveHeapMiB?: number };
    const memory: MemorySample[] = [];
    let soakStartAt = Date.now();
    // a line a minute on stderr, so that a 35-minute command shows where it is
    const progress = () => {
      const load = loadAverage()['1m'];
      const rss = memory.at(-1)?.hostRssMiB;
      const lastMinute = submitted.filter((s) => s.id !== undefined && s.atMs >= Date.now() - soakStartAt - 60_000).map((s) => s.latencyMs);
      process.stderr.write(
        `soak ${Math.round((Date.now() - t0) / 60_000)} min: ${submitted.length}/${RUNS} submitted, ${accepted().length} accepted, ` +
          `${submitted.reduce((n, s) => n + s.retries, 0)} retries, submit p50 ${stats(lastMinute).p50} ms over the last minute, ` +
          `most bots alive ${sampler.mostAlive}, host ${rss ?? '?'} MiB (JS heap ${memory.at(-1)?.jsHeapUsedMiB ?? '?'}, C heap ${memory.at(-1)?.cHeapMiB ?? '?'}), load ${load}\n`,
      );
    };
    let soaking = true;
    const memoryLoop = (async () => {
      for (let tick = 1; soaking; tick++) {
        const sample: MemorySample = {
          atMs: Date.now() - t0,
          hostRssMiB: rssMiB(cloud.host.pid),
          cHeapMiB: cHeapMiB(cloud.host.pid),
          ...(await hostHeapMiB(cloud.baseUrl)),
        };
        // the heap that is live, after a full collection (a pause of the host: not at every sample)
        if (LIVE_HEAP_EVERY_TICKS > 0 && tick % LIVE_HEAP_EVERY_TICKS === 1)
          sample.liveHeapMiB = (await hostHeapMiB(cloud.baseUrl, { gc: true }))?.jsHeapUsedMiB;
        memory.push(sample);
        await sleep(10_000);
        if (tick % 6 === 0) progress();
      }
    })();

    // the fault suite's injections, on from the first submission until every run ended
    const { cosmos, serviceBus } = cloud;
    let faultsOn = true;
    let drops = 0;
    cosmos.faults.throttleRate = 0.05;
    cosmos.faults.unavailableRate = 0.01;
    serviceBus.faults.duplicateDeliveryRate = 0.2;
    const injector = (async () => {
      for (let minute = 0; faultsOn; minute++) {
        // every minute a 10-second burst of locks expiring 25 ms after they are given, every other minute a dropped connection
        serviceBus.faults.lockDurationOverrideMs = 25;
        await sleep(10_000);
        serviceBus.faults.lockDurationOverrideMs = undefined;
        if (minute % 2 === 1 && faultsOn) {
          serviceBus.faults.dropConnections();
          drops++;
        }
        for (let s = 0; s < 50 && faultsOn; s++) await sleep(1_000);
      }
    })();

    // submissions at an even pace, each with its own Idempotency-Key, retried with it after a 5xx, a 429 or a network error
    const soakStart = Date.now();
    soakStartAt = soakStart;
    const spacingMs = (MINUTES * 60_000) / RUNS;
    let next = 0;
    await Promise.all(
      Array.from({ length: SUBMITTERS }, async () => {
        for (;;) {
          const i = next++;
          if (i >= RUNS) return;
          const due = soakStart + i * spacingMs;
          if (due > Date.now()) await sleep(due - Date.now());
          const g = groups[i % groups.length];
          if (!g) return;
          const started = Date.now();
          const entry: Submitted = { atMs: started - soakStart, latencyMs: 0, retries: 0 };
          for (let attempt = 1; attempt <= 40 && entry.id === undefined; attempt++) {
            const t = performance.now();
            try {
              const res = await w.admin.post<{ id: string }>(
                `environments/${envId}/runs`,
                { connectionId: g.connectionId, desktopFlowId: g.flowId, inputs: { i }, priority: i % 3 === 0 ? 'High' : 'Normal' },
                { 'idempotency-key': `soak-${i}` },
              );
              if (res.status === 202) {
                entry.id = res.body.id;
                entry.latencyMs = performance.now() - t;
              } else if (res.status < 500 && res.status !== 429) throw new Error(`submit ${i}: ${res.status} ${res.text}`);
            } catch (err) {
              if (err instanceof Error && err.message.startsWith('submit ')) throw err;
            }
            if (entry.id === undefined) {
              entry.retries++;
              await sleep(Math.min(250 * attempt, 2_000));
            }
          }
          submitted.push(entry);
        }
      }),
    );
    const soakSeconds = (Date.now() - soakStart) / 1000;

    await until(
      'every accepted run to end',
      async () => {
        const runs = await w.store.runsOf(envId);
        const byId = new Map(runs.map((r) => [r.id, r]));
        return accepted().every((id) => {
          const r = byId.get(id);
          return r !== undefined && isEnded(r.state);
        })
          ? true
          : undefined;
      },
      15 * 60_000,
      15_000,
    ).finally(() => {
      faultsOn = false;
    });
    await injector;
    cosmos.faults.throttleRate = 0;
    cosmos.faults.unavailableRate = 0;
    serviceBus.faults.duplicateDeliveryRate = 0;
    serviceBus.faults.lockDurationOverrideMs = undefined;

    // quiescence: every bot idles out and is torn down (BOT_IDLE_TIMEOUT_SECONDS is 3 s in the fault world)
    await until(
      'every bot to be torn down',
      async () => ((await w.store.botsOf(envId)).every((b) => b.state === 'Deleted' || b.state === 'Failed') ? true : undefined),
      5 * 60_000,
      2_000,
    );
    await sleep(1_000);
    await sampler.stop();
    soaking = false;
    await memoryLoop;

    const [runs, bots, vms] = await Promise.all([w.store.runsOf(envId), w.store.botsOf(envId), w.store.vmsOf(envId)]);
    const verdicts = [
      everyAcceptedRunEnded(accepted(), runs),
      noRunOnTwoBots(w.logs, runs),
      conservation(sampler.samples),
      withinLimits(sampler.samples, { capacity: CAPACITY, maxBots: new Map(groups.map((g) => [g.groupId, g.maxBots])) }),
      noOrphanVms(vms, bots),
      noOrchestrationFailed(w.logs),
    ];

    const soakMs = soakSeconds * 1000;
    const first = (atMs: number) => atMs < WINDOW_MS;
    const last = (atMs: number) => atMs >= soakMs - WINDOW_MS && atMs <= soakMs;
    const latency = (pick: (atMs: number) => boolean) => stats(submitted.filter((s) => s.id !== undefined && pick(s.atMs)).map((s) => s.latencyMs));
    const soakMemory = (pick: (atMs: number) => boolean, field: Exclude<keyof MemorySample, 'atMs'> = 'hostRssMiB') => {
      const values = memory.flatMap((m) => (m[field] !== undefined && pick(m.atMs - (soakStart - t0)) ? [m[field]] : []));
      return values.length === 0 ? undefined : Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10;
    };
    const memFirst = soakMemory(first);
    const memLast = soakMemory(last);
    const growth = memFirst !== undefined && memLast !== undefined ? Math.round(((memLast - memFirst) / memFirst) * 1000) / 10 : undefined;
    // where the resident memory is: the JS heap in use, memory V8 accounts outside it, and glibc's main arena
    const breakdown = Object.fromEntries(
      (['liveHeapMiB', 'jsHeapUsedMiB', 'externalMiB', 'cHeapMiB'] as const).map((field) => [
        field,
        { firstWindowMean: soakMemory(first, field), lastWindowMean: soakMemory(last, field) },
      ]),
    );
    const result = {
      measuredAt: new Date().toISOString(),
      machine: machineInfo(),
      loadAverage: { atStart: loadAtStart, atEnd: loadAverage() },
      sizes: {
        minutes: MINUTES,
        runs: RUNS,
        groups: GROUPS,
        maxBotsPerGroup: BOTS,
        capacity: CAPACITY,
        submitters: SUBMITTERS,
        windowMinutes: WINDOW_MS / 60_000,
      },
      wallSeconds: Math.round((Date.now() - t0) / 1000),
      soakSeconds: Math.round(soakSeconds),
      method: [
        "The fault world of tests/faults (bots boot in 300 ms, idle out after 3 s, heartbeat timeout 3 s, controller every 2 s); the flow waits 800 ms and writes an output; the runs are done by the local stack's own bots.",
        'Faults from the first submission until every run ended: Cosmos 5 % 429 and 1 % 503 of data requests; Service Bus 20 % duplicate deliveries, every minute 10 s of locks expiring after 25 ms, every other minute every connection dropped.',
        'Submissions at an even pace over SOAK_MINUTES by SOAK_SUBMITTERS callers, each with its own Idempotency-Key, retried with it after a 5xx, a 429 or a network error; latency is that of the accepted attempt.',
        "Drift: the first window of the soak against its last (5 minutes, or a quarter of a shorter soak): submit latency, and the Functions host's resident memory sampled every 10 s, with its breakdown: the JS heap that is live (after a full collection, GET /admin/host/memory?gc=1, every SOAK_LIVE_HEAP_SECONDS when set), the JS heap in use and V8's external memory (GET /admin/host/memory, no forced collection) and the resident size of glibc malloc's main arena (the [heap] mapping of /proc/<pid>/smaps).",
      ],
      submitted: {
        accepted: accepted().length,
        retries: submitted.reduce((n, s) => n + s.retries, 0),
        givenUp: submitted.filter((s) => s.id === undefined).length,
      },
      faultsInjected: {
        cosmos429: cosmos.counters.throttled,
        cosmos503: cosmos.counters.unavailable,
        duplicatesInjected: serviceBus.counters.duplicatesInjected,
        locksExpired: serviceBus.counters.locksExpired,
        connectionDrops: drops,
      },
      outcomes: outcomesOf(runs.filter((r) => accepted().includes(r.id))),
      invariants: Object.fromEntries(
        verdicts.map((v) => [v.invariant, { checked: v.checked, violations: v.violations.length, first: v.violations.slice(0, 5) }]),
      ),
      drift: {
        submitLatencyMs: { firstWindow: latency(first), lastWindow: latency(last) },
        hostRssMiB: {
          firstWindowMean: memFirst,
          lastWindowMean: memLast,
          growthPercent: growth,
          goalPercent: 10,
          // forced collections keep the heap small: the goal is judged only on a soak without them
          forcedCollections: LIVE_HEAP_EVERY_TICKS > 0,
          reached: LIVE_HEAP_EVERY_TICKS > 0 || growth === undefined ? null : growth <= 10,
          breakdown,
        },
      },
      mostBotsAlive: sampler.mostAlive,
      // every log line of the runs a violation names, so that a violation can be explained after the stack is gone
      violatingRunLogs: Object.fromEntries(
        [...new Set(verdicts.flatMap((v) => v.violations.flatMap((line) => [...line.matchAll(/run ([0-9a-f-]{36})/g)].map((m) => m[1] as string))))]
          .slice(0, 5)
          .map((runId) => [runId, w.logs.filter((line) => line.includes(runId)).slice(0, 200)]),
      ),
      memory,
    };
    const dir = path.join(import.meta.dirname, 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, RESULT_FILE), `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify({ ...result, memory: undefined }, null, 2));
    for (const v of verdicts) expect(v.violations, v.invariant).toEqual([]);
  },
  // room for a drain slowed by a loaded machine: a timeout writes no result at all
  (2 * MINUTES + 30) * 60_000,
);
