import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startLocalCloud } from '../local/stack/local-cloud.js';
import { adminApi } from './bench-world.js';
import { buildClients } from '../composition/root/clients.js';
import { loadAppConfig } from '../app/config/app-config.js';
import { claimNextRun } from '../app/runs/claim.js';
import { finishRun } from '../app/runs/finish.js';
import { machineInfo, stats } from './stats.js';

/**
 * `npm run bench`: submit latency at concurrency 1, 16 and 64 (over HTTP, the whole API path: auth, Cosmos, Service Bus,
 * Durable start), claim latency (in process, as a bot's Durable activity calls it), and the store and queue operations
 * each run costs, on a local cloud this script starts itself. Writes bench/results/runs.json.
 */

const SUBMITS_C1 = Number(process.env.BENCH_SUBMITS_C1 ?? 100);
const SUBMITS_C16 = Number(process.env.BENCH_SUBMITS_C16 ?? 320);
const SUBMITS_C64 = Number(process.env.BENCH_SUBMITS_C64 ?? 640);
const WARMUP = 10;

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const result = await work();
  return [result, performance.now() - t0];
}

async function main(): Promise<void> {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log('Starting a local cloud for the benchmark…');
  // one caller submits about a thousand runs a minute: the benchmark measures the API path, not RATE_LIMIT_PER_MINUTE
  const cloud = await startLocalCloud({ port: 0, settings: { RATE_LIMIT_PER_MINUTE: '1000000' } });
  const deps = buildClients(loadAppConfig(cloud.settings));
  try {
    const { call, must } = await adminApi(cloud);

    // capacity 0 once the group exists (a group's maxBots may not exceed the capacity when it is made): the
    // environment's controller starts no bot, so the benchmark's claimers are the only ones
    const env = await must('POST', 'environments', { name: 'Bench', geography: 'Europe', plan: 'paid', capacity: 8 }, 201);
    const envId = String(env.id);
    const images = await must('GET', `environments/${envId}/images`, undefined, 200);
    const image = (images.items as Array<{ id: string; builtIn: boolean }>).find((i) => i.builtIn);
    const group = await must(
      'POST',
      `environments/${envId}/groups`,
      { name: 'Bench group', maxBots: 8, committedBots: 0, imageId: image?.id, account: { username: 'rpa-runner', password: 'Bench-Acc0unt!pass' } },
      201,
    );
    const groupId = String(group.id);
    await must('PATCH', `environments/${envId}`, { capacity: 0 }, 200);
    const connection = await must(
      'POST',
      `environments/${envId}/connections`,
      { name: 'Bench', groupId, username: 'rpa-runner', password: 'Bench-Acc0unt!pass' },
      201,
    );
    const flow = await must(
      'POST',
      `environments/${envId}/desktop-flows`,
      { name: 'Bench flow', definition: { steps: [{ output: { name: 'x', value: '1' } }] } },
      201,
    );
    const body = (i: number) => ({ connectionId: connection.id, desktopFlowId: flow.id, inputs: { i }, priority: i % 4 === 0 ? 'High' : 'Normal' });
    const submitOnce = async (i: number) => {
      const [res, ms] = await timed(() => call('POST', `environments/${envId}/runs`, body(i)));
      if (res.status !== 202) throw new Error(`submit: ${res.status} ${JSON.stringify(res.json)}`);
      return ms;
    };
    // queue operations of the claims, counted at the client (the submits' sends are counted at the peer, below)
    const queueOps = { receives: 0, messages: 0, settles: 0 };
    const receiveOne = deps.queues.receiveOne.bind(deps.queues);
    deps.queues.receiveOne = async (id, waitMs) => {
      queueOps.receives += 1;
      const message = await receiveOne(id, waitMs);
      if (message === undefined) return undefined;
      queueOps.messages += 1;
      const settled = (how: () => Promise<void>) => () => {
        queueOps.settles += 1;
        return how();
      };
      return {
        runId: message.runId,
        deliveryCount: message.deliveryCount,
        complete: settled(() => message.complete()),
        abandon: settled(() => message.abandon()),
      };
    };
    const queueName = deps.queues.queueNameOf(groupId);
    const activeMessages = () => cloud.serviceBus.counts(queueName)?.active ?? 0;
    const claimAllTimed = async (claimers: number) => {
      const samples: number[] = [];
      let n = 0;
      await Promise.all(
        Array.from({ length: claimers }, async (_, c) => {
          for (;;) {
            const botId = `bench-${claimers}-${c}-${n++}`;
            const [result, ms] = await timed(() => claimNextRun(deps, { environmentId: envId, groupId, botId, waitMs: 250 }));
            if ('none' in result) {
              if (result.none === 'QueueEmpty') return;
              continue;
            }
            samples.push(ms);
            await finishRun(deps, { environmentId: envId, runId: result.run.id, botId, outcome: 'Succeeded' });
          }
        }),
      );
      return samples;
    };

    log(`warm-up: ${WARMUP} submits and claims`);
    for (let i = 0; i < WARMUP; i++) await submitOnce(i);
    await claimAllTimed(1);

    log(`submit, concurrency 1: ${SUBMITS_C1} runs`);
    const cosmosBefore = cloud.cosmos.counters.requests;
    const messagesBefore = activeMessages();
    const c1: number[] = [];
    const c1Start = performance.now();
    for (let i = 0; i < SUBMITS_C1; i++) c1.push(await submitOnce(i));
    const c1Seconds = (performance.now() - c1Start) / 1000;
    const cosmosPerSubmit = (cloud.cosmos.counters.requests - cosmosBefore) / SUBMITS_C1;
    const messagesPerSubmit = (activeMessages() - messagesBefore) / SUBMITS_C1;

    log(`claim, 1 claimer, queue of ${SUBMITS_C1}`);
    const claimBefore = cloud.cosmos.counters.requests;
    const opsBefore = { ...queueOps };
    const claim1 = await claimAllTimed(1);
    // each loop iteration is a claim and a finish; the last claim answered QueueEmpty
    const cosmosPerClaimAndFinish = (cloud.cosmos.counters.requests - claimBefore) / Math.max(1, claim1.length);
    const perClaim = (k: keyof typeof queueOps) => Math.round(((queueOps[k] - opsBefore[k]) / Math.max(1, claim1.length)) * 100) / 100;
    const queuePerClaim = { receives: perClaim('receives'), messagesReceived: perClaim('messages'), settles: perClaim('settles') };

    /** `total` submits by `concurrency` callers: each latency, and the seconds they took together */
    const submitConcurrently = async (total: number, concurrency: number): Promise<[number[], number]> => {
      log(`submit, concurrency ${concurrency}: ${total} runs`);
      const samples: number[] = [];
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < total) samples.push(await submitOnce(next++));
        }),
      );
      return [samples, (performance.now() - started) / 1000];
    };

    const [c16, c16Seconds] = await submitConcurrently(SUBMITS_C16, 16);

    log(`claim, 8 concurrent claimers, queue of ${SUBMITS_C16}`);
    const claim8Start = performance.now();
    const claim8 = await claimAllTimed(8);
    const claim8Seconds = (performance.now() - claim8Start) / 1000;

    // last: its runs stay queued (nothing claims them) until the stack stops
    const [c64, c64Seconds] = await submitConcurrently(SUBMITS_C64, 64);

    const results = {
      measuredAt: new Date().toISOString(),
      machine: machineInfo(),
      note: 'Local cloud on this machine: Functions host child process, Cosmos peer and Service Bus peer in this process, Azurite. Latencies in ms, measured by the caller.',
      submit: {
        concurrency1: { ...stats(c1), throughputPerSecond: Math.round((SUBMITS_C1 / c1Seconds) * 10) / 10 },
        concurrency16: { ...stats(c16), throughputPerSecond: Math.round((SUBMITS_C16 / c16Seconds) * 10) / 10 },
        concurrency64: { ...stats(c64), throughputPerSecond: Math.round((SUBMITS_C64 / c64Seconds) * 10) / 10 },
      },
      claim: {
        oneClaimer: stats(claim1),
        eightClaimers: { ...stats(claim8), throughputPerSecond: Math.round((claim8.length / claim8Seconds) * 10) / 10 },
      },
      cosmosRequestsPerRun: { submit: Math.round(cosmosPerSubmit * 10) / 10, claimPlusFinish: Math.round(cosmosPerClaimAndFinish * 10) / 10 },
      queueOperationsPerRun: { submitMessagesSent: Math.round(messagesPerSubmit * 100) / 100, claim: queuePerClaim },
    };
    const dir = path.join(import.meta.dirname, 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'runs.json'), `${JSON.stringify(results, null, 2)}\n`);
    log(JSON.stringify(results, null, 2));
  } finally {
    // the Service Bus client goes before the peer it talks to
    await deps.queues.close();
    await cloud.stop();
  }
}

await main();
