import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startLocalCloud, type LocalCloud } from '../local/stack/local-cloud.js';
import { mintToken } from '../local/stack/token-issuer.js';
import { until } from '../tests/e2e/e2e-world.js';
import { ApiClient } from '../tests/support/api-client.js';
import { difference, executionsBetween, hostExecutions, loadAverage, snapshot, type OperationCounts } from './bench-world.js';
import { machineInfo } from './stats.js';

/**
 * `npm run bench:idle`: what an idle bot costs per hour, counted at the peers (issue #18: ≤ 60 function executions and
 * ≤ 60 Cosmos requests per idle bot-hour). One environment on a local cloud with the production schedules (controller
 * every 60 s, the sweeps at their Azure defaults); each bot's agent is an OS process, idle on its group's queue.
 * Two windows of IDLE_COST_WINDOW_MINUTES: with FEW committed bots idle, then with MANY. The environment's own work
 * (controller rounds, sweeps) is the same in both, so the difference divided by the extra bot-hours is what one more
 * idle bot costs; the MANY window divided by its bot-hours is the cost with the environment's share included.
 * Writes bench/results/idle-cost.json.
 */
const WINDOW_MINUTES = Number(process.env.IDLE_COST_WINDOW_MINUTES ?? 10);
const FEW = 2;
const MANY = Number(process.env.IDLE_COST_BOTS ?? 10);
/** after the bots are Ready: their start-up writes and first heartbeats are not idle cost */
const SETTLE_MS = 60_000;
const PASSWORD = 'Bench-Passw0rd!x';

const AZURE_SCHEDULES = {
  CONTROLLER_INTERVAL_SECONDS: '60',
  ORPHAN_SWEEP_SCHEDULE: '0 */5 * * * *',
  STUCK_RUN_SWEEP_SCHEDULE: '30 */5 * * * *',
  RUN_DEADLINE_SWEEP_SCHEDULE: '15 * * * * *',
  CALLBACK_SWEEP_SCHEDULE: '*/15 * * * * *',
};

interface Counts {
  executions: Record<string, number>;
  peers: OperationCounts;
}

interface WindowCost {
  bots: number;
  minutes: number;
  executions: number;
  executionsByFunction: Record<string, number>;
  cosmos: { reads: number; writes: number; queries: number; queryPlans: number; requests: number };
  serviceBus: OperationCounts['serviceBus'];
}

const say = (line: string) => process.stdout.write(`${line}\n`);

async function counts(cloud: LocalCloud): Promise<Counts> {
  return { executions: await hostExecutions(cloud), peers: snapshot(cloud) };
}

function windowCost(bots: number, minutes: number, before: Counts, after: Counts): WindowCost {
  const byFunction = executionsBetween(before.executions, after.executions);
  const peers = difference(after.peers, before.peers);
  const cosmos = { reads: 0, writes: 0, queries: 0, queryPlans: 0, requests: 0 };
  for (const c of Object.values(peers.cosmos)) {
    cosmos.reads += c.reads;
    cosmos.writes += c.writes;
    cosmos.queries += c.queries;
    cosmos.queryPlans += c.queryPlans;
  }
  cosmos.requests = cosmos.reads + cosmos.writes + cosmos.queries + cosmos.queryPlans;
  return {
    bots,
    minutes,
    executions: Object.values(byFunction).reduce((a, b) => a + b, 0),
    executionsByFunction: byFunction,
    cosmos,
    serviceBus: peers.serviceBus,
  };
}

const perBotHour = (n: number, bots: number, minutes: number) => Math.round((n / (bots * (minutes / 60))) * 10) / 10;

async function main(): Promise<void> {
  say(`starting a local cloud for the idle-cost bench (windows of ${WINDOW_MINUTES} min, ${FEW} then ${MANY} idle bots)…`);
  const cloud = await startLocalCloud({ port: 0, settings: { ...AZURE_SCHEDULES, LOCAL_PROVISION_DELAY_MS: '200', RATE_LIMIT_PER_MINUTE: '1000000' } });
  try {
    const api = new ApiClient(cloud.baseUrl, await mintToken(cloud.issuer, { userId: 'bench', platformAdmin: true }), 'bench');
    const env = (await api.post<{ id: string }>('environments', { name: 'Idle bench', geography: 'US', plan: 'paid', capacity: MANY + 2 })).body.id;
    const image = (await api.get<{ items: Array<{ id: string; builtIn: boolean }> }>(`environments/${env}/images`)).body.items.find((i) => i.builtIn)?.id;
    const created = await api.post<{ id: string; etag?: string }>(`environments/${env}/groups`, {
      name: 'Idle',
      maxBots: MANY,
      committedBots: FEW,
      imageId: image,
      account: { username: 'rpa-bench', password: PASSWORD },
    });
    if (created.status !== 201) throw new Error(`create group: ${created.status}`);
    const group = created.body.id;
    const readyBots = async () => {
      const res = await api.get<{ items: Array<{ state: string }> }>(`environments/${env}/groups/${group}/bots`);
      return res.body.items.filter((b) => b.state === 'Ready').length;
    };
    const idleWindow = async (bots: number): Promise<WindowCost> => {
      await until(`${bots} ready bots`, async () => ((await readyBots()) >= bots ? true : undefined), 180_000, 500);
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      const before = await counts(cloud);
      say(`  ${bots} bots idle: counting for ${WINDOW_MINUTES} min…`);
      await new Promise((r) => setTimeout(r, WINDOW_MINUTES * 60_000));
      const after = await counts(cloud);
      if ((await readyBots()) < bots) throw new Error(`a bot left Ready during the window (${bots} expected)`);
      return windowCost(bots, WINDOW_MINUTES, before, after);
    };

    const few = await idleWindow(FEW);
    const current = await api.get<{ etag: string }>(`environments/${env}/groups/${group}`);
    const patched = await api.patch(`environments/${env}/groups/${group}`, { committedBots: MANY }, { 'if-match': current.body.etag });
    if (patched.status !== 200) throw new Error(`raise committed bots: ${patched.status}`);
    const many = await idleWindow(MANY);

    const extraBots = MANY - FEW;
    const marginal = {
      executions: perBotHour(many.executions - few.executions, extraBots, WINDOW_MINUTES),
      cosmosRequests: perBotHour(many.cosmos.requests - few.cosmos.requests, extraBots, WINDOW_MINUTES),
      cosmosWrites: perBotHour(many.cosmos.writes - few.cosmos.writes, extraBots, WINDOW_MINUTES),
      serviceBusOperations: perBotHour(
        Object.values(many.serviceBus).reduce((a, b) => a + b, 0) - Object.values(few.serviceBus).reduce((a, b) => a + b, 0),
        extraBots,
        WINDOW_MINUTES,
      ),
    };
    const withShare = {
      executions: perBotHour(many.executions, MANY, WINDOW_MINUTES),
      cosmosRequests: perBotHour(many.cosmos.requests, MANY, WINDOW_MINUTES),
    };
    const result = {
      bench: 'idle-cost',
      at: new Date().toISOString(),
      machine: machineInfo(),
      loadAverage: loadAverage(),
      settings: { windowMinutes: WINDOW_MINUTES, few: FEW, many: MANY, ...AZURE_SCHEDULES },
      goals: { executionsPerIdleBotHour: 60, cosmosRequestsPerIdleBotHour: 60 },
      perIdleBotHour: marginal,
      perIdleBotHourWithEnvironmentShare: withShare,
      windows: [few, many],
    };
    const out = path.join(import.meta.dirname, 'results', 'idle-cost.json');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    say(
      `per idle bot-hour: ${marginal.executions} executions (goal ≤ 60), ${marginal.cosmosRequests} Cosmos requests (goal ≤ 60), ${marginal.cosmosWrites} writes, ${marginal.serviceBusOperations} Service Bus operations`,
    );
    say(`with the environment's share at ${MANY} bots: ${withShare.executions} executions, ${withShare.cosmosRequests} Cosmos requests`);
    say(`written to ${out}`);
  } finally {
    await cloud.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
