import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TableClient } from '@azure/data-tables';
import { startLocalCloud } from '../local/stack/local-cloud.js';
import { mintToken } from '../local/stack/token-issuer.js';
import { SIMULATED_VM_TABLE } from '../local/bots/simulated-bot-provisioner.js';
import { until } from '../tests/e2e/e2e-world.js';
import { ApiClient } from '../tests/support/api-client.js';
import { machineInfo, stats } from './stats.js';

/**
 * Bots bench, on a local cloud it starts itself (simulated VMs boot in 200 ms):
 * - dispatch latency to an idle warm bot: a run's startedAt − queuedAt (server clock), one run at a time;
 * - time from a run waiting with no free bot to its provision call: the simulated VM's createdAt − queuedAt.
 * Writes bench/results/bots.json.
 */
const DISPATCHES = Number(process.env.BENCH_DISPATCHES ?? 20);
/** long enough for the bot to have left its claim (a 1 s receive) and be waiting idle for Work */
const IDLE_GAP_MS = 1_500;
const COLD_STARTS = Number(process.env.BENCH_COLD_STARTS ?? 8);
const PASSWORD = 'Bench-Passw0rd!x';
/** how often a wait polls: often, since the waits are what is measured */
const POLL_MS = 20;

type Run = { id: string; state: string; queuedAt: string; startedAt?: string; endedAt?: string };

async function main(): Promise<void> {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say('starting a local cloud for the bots bench…');
  const cloud = await startLocalCloud({
    port: 0,
    settings: { LOCAL_PROVISION_DELAY_MS: '200', BOT_IDLE_TIMEOUT_SECONDS: '600', CONTROLLER_INTERVAL_SECONDS: '30', BOT_HEARTBEAT_TIMEOUT_SECONDS: '60' },
  });
  try {
    const api = new ApiClient(cloud.baseUrl, await mintToken(cloud.issuer, { userId: 'bench', platformAdmin: true }), 'bench');
    const env = (await api.post<{ id: string }>('environments', { name: 'Bench', geography: 'US', plan: 'paid', capacity: 20 })).body.id;
    const image = (await api.get<{ items: Array<{ id: string; builtIn: boolean }> }>(`environments/${env}/images`)).body.items.find((i) => i.builtIn)?.id;
    const flow = (await api.post<{ id: string }>(`environments/${env}/desktop-flows`, { name: 'Instant', definition: { steps: [] } })).body.id;
    const group = async (name: string, committedBots: number) => {
      const g = (await api.post<{ id: string }>(`environments/${env}/groups`, { name, maxBots: 1, committedBots, imageId: image, account: { username: 'rpa-bench', password: PASSWORD } })).body.id;
      const c = (await api.post<{ id: string }>(`environments/${env}/connections`, { name, groupId: g, username: 'rpa-bench', password: PASSWORD })).body.id;
      return { groupId: g, connectionId: c };
    };
    const submit = async (connectionId: string) => (await api.post<Run>(`environments/${env}/runs`, { connectionId, desktopFlowId: flow, inputs: {}, priority: 'Normal' })).body;
    const ended = (id: string) => until(`run ${id}`, async () => {
      const run = (await api.get<Run>(`environments/${env}/runs/${id}`)).body;
      return ['Queued', 'Running'].includes(run.state) ? undefined : run;
    }, 60_000, POLL_MS);

    // dispatch to an idle warm bot
    const warm = await group('Warm', 1);
    await ended((await submit(warm.connectionId)).id); // wakes the controller; the committed bot comes up
    const dispatch: number[] = [];
    const roundTrip: number[] = [];
    for (let i = 0; i < DISPATCHES; i++) {
      await new Promise((r) => setTimeout(r, IDLE_GAP_MS)); // the bot is idle, waiting for Work or its poll timer
      const t0 = performance.now();
      const run = await ended((await submit(warm.connectionId)).id);
      roundTrip.push(performance.now() - t0);
      if (run.startedAt) dispatch.push(Date.parse(run.startedAt) - Date.parse(run.queuedAt));
    }
    say(`dispatch to an idle bot: ${JSON.stringify(stats(dispatch))}`);

    // run waiting with no free bot → provision call
    const vms = TableClient.fromConnectionString(cloud.settings.AzureWebJobsStorage ?? '', SIMULATED_VM_TABLE, { allowInsecureConnection: true });
    const toProvision: number[] = [];
    for (let i = 0; i < COLD_STARTS; i++) {
      const cold = await group(`Cold ${i}`, 0);
      const run = await submit(cold.connectionId);
      const createdAt = await until('a provision call', async () => {
        for await (const row of vms.listEntities<{ hostedRpaGroup: string; createdAt?: string }>({ queryOptions: { filter: `hostedRpaGroup eq '${cold.groupId}'` } })) {
          if (row.createdAt) return row.createdAt;
        }
        return undefined;
      }, 60_000, POLL_MS);
      toProvision.push(Date.parse(createdAt) - Date.parse(run.queuedAt));
      await ended(run.id);
    }
    say(`run waiting → provision call: ${JSON.stringify(stats(toProvision))}`);

    const results = {
      machine: machineInfo(),
      at: new Date().toISOString(),
      settings: { LOCAL_PROVISION_DELAY_MS: 200, CONTROLLER_INTERVAL_SECONDS: 30, idleGapMs: IDLE_GAP_MS },
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
