import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TableClient } from '@azure/data-tables';
import { startLocalCloud } from '../local/stack/local-cloud.js';
import { mintToken } from '../local/stack/token-issuer.js';
import { SIMULATED_VM_TABLE } from '../local/bots/simulated-bot-provisioner.js';
import { until } from '../tests/e2e/e2e-world.js';
import { ApiClient } from '../tests/support/api-client.js';
import { machineInfo, stats } from './stats.js';

/**
 * Bots bench, on a local cloud it starts itself (simulated VMs boot in 200 ms; each bot's agent is an OS process):
 * - dispatch to idle warm bots (issue #18): from the 202 of the submit to the agent holding the run (the claim's
 *   `startedAt`, written just before the claim answers the agent; one machine, one clock), for bots idle 2 s, DISPATCH_BOTS
 *   runs at a time; and, with BENCH_LONG_IDLE_MINUTES, for LONG_IDLE_BOTS bots idle that long in parallel;
 * - submit → ended for a run with one `output` step on a warm bot;
 * - time from a run waiting with no free bot to its provision call: the simulated VM's createdAt − queuedAt.
 * Writes bench/results/bots.json.
 */
const DISPATCHES = Number(process.env.BENCH_DISPATCHES ?? 200);
const BURST_DISPATCHES = Number(process.env.BENCH_BURST_DISPATCHES ?? 100);
const DISPATCH_BOTS = 4;
/** the "bots idle 2 s" */
const IDLE_GAP_MS = 2_000;
/** 0: skipped; the long-idle case is 10 minutes (n ≥ 20 bots idle in parallel) */
const LONG_IDLE_MINUTES = Number(process.env.BENCH_LONG_IDLE_MINUTES ?? 0);
const LONG_IDLE_BOTS = Number(process.env.BENCH_LONG_IDLE_BOTS ?? 20);
/** 1: after the one-at-a-time series, the bots idle as long again and take LONG_IDLE_BOTS runs submitted at once */
const LONG_IDLE_BURST = process.env.BENCH_LONG_IDLE_BURST === '1';
const COLD_STARTS = Number(process.env.BENCH_COLD_STARTS ?? 8);
const PASSWORD = 'Bench-Passw0rd!x';
/** how often a wait polls: often, since the waits are what is measured */
const POLL_MS = 20;

type Run = { id: string; state: string; queuedAt: string; startedAt?: string; endedAt?: string; botId?: string | null };

async function main(): Promise<void> {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say('starting a local cloud for the bots bench…');
  const logFile = process.env.BENCH_LOG;
  const cloud = await startLocalCloud({
    port: 0,
    // BENCH_LOG=<file>: the host's and the agents' log lines, to see where a slow or stuck run spent its time
    ...(logFile ? { log: (line: string) => appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`) } : {}),
    settings: {
      LOCAL_PROVISION_DELAY_MS: '200',
      BOT_IDLE_TIMEOUT_SECONDS: String(Math.max(600, (LONG_IDLE_MINUTES + 5) * 60)),
      CONTROLLER_INTERVAL_SECONDS: '30',
      BOT_HEARTBEAT_TIMEOUT_SECONDS: '60',
      RATE_LIMIT_PER_MINUTE: '1000000',
    },
  });
  try {
    const api = new ApiClient(cloud.baseUrl, await mintToken(cloud.issuer, { userId: 'bench', platformAdmin: true }), 'bench');
    const env = (await api.post<{ id: string }>('environments', { name: 'Bench', geography: 'US', plan: 'paid', capacity: DISPATCH_BOTS + LONG_IDLE_BOTS + 4 }))
      .body.id;
    const image = (await api.get<{ items: Array<{ id: string; builtIn: boolean }> }>(`environments/${env}/images`)).body.items.find((i) => i.builtIn)?.id;
    const flow = (
      await api.post<{ id: string }>(`environments/${env}/desktop-flows`, {
        name: 'One output',
        definition: { steps: [{ output: { name: 'done', value: 'yes' } }] },
      })
    ).body.id;
    const group = async (name: string, committedBots: number, maxBots = Math.max(1, committedBots)) => {
      const g = (
        await api.post<{ id: string }>(`environments/${env}/groups`, {
          name,
          maxBots,
          committedBots,
          imageId: image,
          account: { username: 'rpa-bench', password: PASSWORD },
        })
      ).body.id;
      const c = (await api.post<{ id: string }>(`environments/${env}/connections`, { name, groupId: g, username: 'rpa-bench', password: PASSWORD })).body.id;
      return { groupId: g, connectionId: c };
    };
    // the waits poll every 20 ms: RATE_LIMIT_PER_MINUTE is lifted above, and any answer but the expected one stops the bench
    const submit = async (connectionId: string) => {
      const res = await api.post<Run>(`environments/${env}/runs`, { connectionId, desktopFlowId: flow, inputs: {}, priority: 'Normal' });
      if (res.status !== 202) throw new Error(`submit: ${res.status}`);
      return res.body;
    };
    const ended = (id: string) =>
      until(
        `run ${id}`,
        async () => {
          const res = await api.get<Run>(`environments/${env}/runs/${id}`);
          if (res.status !== 200 && res.status !== 202) throw new Error(`GET run ${id}: ${res.status}`);
          return ['Queued', 'Running'].includes(res.body.state) ? undefined : res.body;
        },
        60_000,
        POLL_MS,
      );

    const submitted = async (connectionId: string) => {
      const run = await submit(connectionId);
      return { run, acceptedAt: Date.now() };
    };
    const warmUp = async (connectionId: string, bots: number) => {
      // wakes the controller; the committed bots come up and each takes one run
      await Promise.all(Array.from({ length: bots }, async () => ended((await submit(connectionId)).id)));
    };
    /**
     * One series: `rounds` times, wait `idleMs`, then submit `perRound` runs, all at once (`burst`) or one after the other,
     * each once the one before has ended (`sequential`); the 202 → startedAt of each. With `firstPerBot`, only each bot's
     * first run counts: a bot that has just done a run was not idle.
     */
    const series = async (
      connectionId: string,
      {
        perRound,
        rounds,
        idleMs,
        sequential = false,
        firstPerBot = false,
      }: { perRound: number; rounds: number; idleMs: number; sequential?: boolean; firstPerBot?: boolean },
    ) => {
      const toAgent: number[] = [];
      const queuedToStarted: number[] = [];
      const roundTrip: number[] = [];
      const botsSeen = new Set<string>();
      const one = async () => {
        const t0 = performance.now();
        const { run, acceptedAt } = await submitted(connectionId);
        const end = await ended(run.id);
        roundTrip.push(performance.now() - t0);
        const bot = end.botId ?? undefined;
        if (firstPerBot && (bot === undefined || botsSeen.has(bot))) return;
        if (bot !== undefined) botsSeen.add(bot);
        if (end.startedAt) {
          toAgent.push(Math.max(0, Date.parse(end.startedAt) - acceptedAt));
          queuedToStarted.push(Date.parse(end.startedAt) - Date.parse(end.queuedAt));
        }
      };
      for (let i = 0; i < rounds; i++) {
        await new Promise((r) => setTimeout(r, idleMs));
        if (sequential) for (let k = 0; k < perRound; k++) await one();
        else await Promise.all(Array.from({ length: perRound }, one));
      }
      return { toAgent, queuedToStarted, roundTrip };
    };

    // dispatch to idle warm bots (idle 2 s): one run at a time, the measure; then DISPATCH_BOTS runs at once
    const warm = await group('Warm', DISPATCH_BOTS);
    await warmUp(warm.connectionId, DISPATCH_BOTS);
    const short = await series(warm.connectionId, { perRound: 1, rounds: DISPATCHES, idleMs: IDLE_GAP_MS, sequential: true });
    const dispatch = short.queuedToStarted;
    say(`202 → agent holds the run, bots idle 2 s, one run at a time: ${JSON.stringify(stats(short.toAgent))}`);
    const burst = await series(warm.connectionId, { perRound: DISPATCH_BOTS, rounds: Math.ceil(BURST_DISPATCHES / DISPATCH_BOTS), idleMs: IDLE_GAP_MS });
    const roundTrip = burst.roundTrip;
    say(`202 → agent holds the run, bots idle 2 s, ${DISPATCH_BOTS} runs at once: ${JSON.stringify(stats(burst.toAgent))}`);
    // one run at a time on a warm bot: submit → ended
    const single = await series(warm.connectionId, { perRound: 1, rounds: 20, idleMs: 500 });
    say(`submit → ended, one output step, one at a time: ${JSON.stringify(stats(single.roundTrip))}`);

    let longIdle: ReturnType<typeof stats> | undefined;
    let longIdleBurst: ReturnType<typeof stats> | undefined;
    if (LONG_IDLE_MINUTES > 0) {
      const idle = await group('Long idle', LONG_IDLE_BOTS);
      await warmUp(idle.connectionId, LONG_IDLE_BOTS);
      say(`${LONG_IDLE_BOTS} bots idle for ${LONG_IDLE_MINUTES} min…`);
      // the runs one after the other, each bot's first run only: every run counted finds its bot idle that long
      const long = await series(idle.connectionId, {
        perRound: LONG_IDLE_BOTS * 2,
        rounds: 1,
        idleMs: LONG_IDLE_MINUTES * 60_000,
        sequential: true,
        firstPerBot: true,
      });
      longIdle = stats(long.toAgent);
      say(`202 → agent holds the run, bots idle ${LONG_IDLE_MINUTES} min, one run at a time: ${JSON.stringify(longIdle)}`);
      if (LONG_IDLE_BURST) {
        const again = await series(idle.connectionId, { perRound: LONG_IDLE_BOTS, rounds: 1, idleMs: LONG_IDLE_MINUTES * 60_000 });
        longIdleBurst = stats(again.toAgent);
        say(`202 → agent holds the run, bots idle ${LONG_IDLE_MINUTES} min, ${LONG_IDLE_BOTS} runs at once: ${JSON.stringify(longIdleBurst)}`);
      }
    }
    say(`dispatch to an idle bot (queuedAt → startedAt): ${JSON.stringify(stats(dispatch))}`);

    // run waiting with no free bot → provision call
    const vms = TableClient.fromConnectionString(cloud.settings.AzureWebJobsStorage ?? '', SIMULATED_VM_TABLE, { allowInsecureConnection: true });
    const toProvision: number[] = [];
    for (let i = 0; i < COLD_STARTS; i++) {
      const cold = await group(`Cold ${i}`, 0);
      const run = await submit(cold.connectionId);
      const createdAt = await until(
        'a provision call',
        async () => {
          for await (const row of vms.listEntities<{ hostedRpaGroup: string; createdAt?: string }>({
            queryOptions: { filter: `hostedRpaGroup eq '${cold.groupId}'` },
          })) {
            if (row.createdAt) return row.createdAt;
          }
          return undefined;
        },
        60_000,
        POLL_MS,
      );
      toProvision.push(Date.parse(createdAt) - Date.parse(run.queuedAt));
      await ended(run.id);
    }
    say(`run waiting → provision call: ${JSON.stringify(stats(toProvision))}`);

    const results = {
      machine: machineInfo(),
      at: new Date().toISOString(),
      settings: {
        LOCAL_PROVISION_DELAY_MS: 200,
        CONTROLLER_INTERVAL_SECONDS: 30,
        idleGapMs: IDLE_GAP_MS,
        dispatchBots: DISPATCH_BOTS,
        longIdleMinutes: LONG_IDLE_MINUTES,
        longIdleBots: LONG_IDLE_BOTS,
      },
      loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
      goals: {
        acceptedToAgentMs: 'p50 ≤ 25, p99 ≤ 150 (idle 2 s, n ≥ 200); the same p50 idle 10 min (n ≥ 20)',
        submitToEndedMs: 'p50 ≤ 100 (one output step, warm bot)',
      },
      acceptedToAgentIdle2sMs: stats(short.toAgent),
      [`acceptedToAgentIdle2s${DISPATCH_BOTS}AtOnceMs`]: stats(burst.toAgent),
      ...(longIdle ? { [`acceptedToAgentIdle${LONG_IDLE_MINUTES}minMs`]: longIdle } : {}),
      ...(longIdleBurst ? { [`acceptedToAgentIdle${LONG_IDLE_MINUTES}min${LONG_IDLE_BOTS}AtOnceMs`]: longIdleBurst } : {}),
      submitToEndedOneAtATimeMs: stats(single.roundTrip),
      dispatchToIdleBotMs: stats(dispatch),
      submitToEndedRoundTripMs: stats(roundTrip),
      runWaitingToProvisionCallMs: stats(toProvision),
    };
    const out = path.join(import.meta.dirname, 'results', 'bots.json');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
    say(`wrote ${path.relative(process.cwd(), out)}`);
  } finally {
    await cloud.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
