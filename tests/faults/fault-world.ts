import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CosmosClient, type Container } from '@azure/cosmos';
import { odata, TableClient } from '@azure/data-tables';
import { afterAll, beforeAll } from 'vitest';
import type { LocalCloud } from '../../local/stack/local-cloud.js';
import { cosmosDefinitions, RUNS_CONTAINER } from '../../app/config/infra-definitions.js';
import type { BotDocument } from '../../domain/bot.js';
import type { RunDocument } from '../../domain/run.js';
import { SIMULATED_VM_TABLE } from '../../local/bots/simulated-bot-provisioner.js';
import type { ApiClient } from '../support/api-client.js';
import { aGroupWithFlow, anEnvironment, startE2eCloud, type E2eGroup } from '../e2e/e2e-world.js';

/** `FAULTS_SCALE=full` (npm run test:faults): more runs, more faults; otherwise the short form that `npm test` runs. */
export const FULL = process.env.FAULTS_SCALE === 'full';
export const sized = <T>(short: T, full: T): T => (FULL ? full : short);

/** Where each scenario leaves its figures; the faults project's global setup gathers them. */
export const FIGURES_DIR = path.resolve('.local-cloud', 'fault-figures');

/** Durations short enough for whole stories to play out in seconds (bots boot in 300 ms, go after 3 s idle). */
const FAST_SETTINGS: Record<string, string> = {
  LOCAL_PROVISION_DELAY_MS: '300',
  BOT_IDLE_TIMEOUT_SECONDS: '3',
  CONTROLLER_INTERVAL_SECONDS: '2',
  BOT_HEARTBEAT_TIMEOUT_SECONDS: '3',
};

export interface FaultWorld {
  cloud: LocalCloud;
  admin: ApiClient;
  logs: string[];
  store: StoreReader;
  stop(): Promise<void>;
}

async function startFaultWorld(settings: Record<string, string>): Promise<FaultWorld> {
  const { cloud, admin, logs } = await startE2eCloud({ ...FAST_SETTINGS, ...settings });
  const store = new StoreReader(cloud);
  return {
    cloud,
    admin,
    logs,
    store,
    stop: async () => {
      store.close();
      await cloud.stop();
    },
  };
}

/**
 * A local cloud of the calling test file's own for its scenario, started before its tests and stopped after them:
 * the returned function gives the world once it is up.
 */
export function useFaultWorld(settings: Record<string, string>): () => FaultWorld {
  let world: FaultWorld | undefined;
  beforeAll(async () => {
    world = await startFaultWorld(settings);
  }, 90_000);
  afterAll(async () => {
    await world?.stop();
  });
  return () => {
    if (!world) throw new Error('the fault world is not up');
    return world;
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Retries a read of the test's own through injected faults (the test talks to the same faulty peers as the app). */
export async function retrying<T>(what: string, read: () => Promise<T>, attempts = 20): Promise<T> {
  let last: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await read();
    } catch (err) {
      last = err;
      await sleep(Math.min(50 * attempt, 500));
    }
  }
  throw new Error(`${what} failed ${attempts} times: ${last instanceof Error ? last.message : String(last)}`);
}

export interface VmRow {
  botId: string;
  environmentId: string;
  groupId: string;
  rowKey: string;
  partitionKey: string;
}

/** What the scenario reads behind the API: the run and bot documents in Cosmos, the simulated VMs in Azurite. */
export class StoreReader {
  private readonly client: CosmosClient;
  private readonly runs: Container;
  private readonly bots: Container;
  private readonly control: Container;
  private readonly vms: TableClient;

  constructor(cloud: LocalCloud) {
    this.client = new CosmosClient({ endpoint: cloud.cosmos.endpoint, key: cloud.cosmos.key, connectionPolicy: { enableEndpointDiscovery: false } });
    const database = this.client.database(cosmosDefinitions.databaseName);
    this.runs = database.container(RUNS_CONTAINER);
    this.bots = database.container('bots');
    this.control = database.container('control');
    this.vms = TableClient.fromConnectionString(cloud.settings.AzureWebJobsStorage ?? '', SIMULATED_VM_TABLE, { allowInsecureConnection: true });
  }

  runsOf(envId: string): Promise<RunDocument[]> {
    return this.documentsOf<RunDocument>(this.runs, envId, 'run');
  }

  botsOf(envId: string): Promise<BotDocument[]> {
    return this.documentsOf<BotDocument>(this.bots, envId, 'bot');
  }

  groupsOf(envId: string): Promise<Array<{ id: string; provisioningErrors?: Array<{ reason: string }> }>> {
    return this.documentsOf(this.control, envId, 'group');
  }

  private documentsOf<T>(container: Container, envId: string, type: string): Promise<T[]> {
    return retrying(`read ${type}s`, async () => {
      const query = {
        query: 'SELECT * FROM c WHERE c.environmentId = @env AND c.type = @type',
        parameters: [
          { name: '@env', value: envId },
          { name: '@type', value: type },
        ],
      };
      return (await container.items.query<T>(query, { partitionKey: envId }).fetchAll()).resources;
    });
  }

  vmsOf(envId: string): Promise<VmRow[]> {
    return retrying('list simulated VMs', async () => {
      const rows: VmRow[] = [];
      try {
        for await (const e of this.vms.listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`hostedRpaEnvironment eq ${envId}` } })) {
          rows.push({
            botId: String(e.hostedRpaBot),
            environmentId: String(e.hostedRpaEnvironment),
            groupId: String(e.hostedRpaGroup),
            rowKey: String(e.rowKey),
            partitionKey: String(e.partitionKey),
          });
        }
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) return []; // no VM was ever made: no table yet
        throw err;
      }
      return rows;
    });
  }

  /** The fault "a VM dies under its bot": its row goes, and the simulated VM's agent with it (mid-run if busy). */
  async deleteVm(row: VmRow): Promise<void> {
    await this.vms.deleteEntity(row.partitionKey, row.rowKey);
  }

  close(): void {
    this.client.dispose();
  }
}

export interface Submissions {
  /** run ids answered 202, in order */
  accepted: string[];
  /** requests sent, retries included */
  requests: number;
  /** retries after a network error, a 5xx or a 429 (always with the same Idempotency-Key) */
  retries: number;
  /** submissions given up (every retry failed): none is expected */
  abandoned: number;
}

/**
 * Submits `count` runs to `g` with `concurrency` in flight, as a cloud flow's HTTP action does: each with its own
 * Idempotency-Key, retried with the same key after a network error, a 5xx or a 429 (the host may be down for a few
 * seconds), so that a retried submission never makes a second run.
 */
export async function submitBurst(
  admin: ApiClient,
  g: E2eGroup,
  count: number,
  options: { concurrency?: number; tag?: string; into?: Submissions; steps?: number } = {},
): Promise<Submissions> {
  const out: Submissions = options.into ?? { accepted: [], requests: 0, retries: 0, abandoned: 0 };
  const tag = options.tag ?? g.groupId.slice(0, 8);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      const key = `${tag}-${i}`;
      let done = false;
      for (let attempt = 1; attempt <= 40 && !done; attempt++) {
        out.requests++;
        if (attempt > 1) out.retries++;
        try {
          const res = await admin.post<{ id: string }>(
            `environments/${g.envId}/runs`,
            { connectionId: g.connectionId, desktopFlowId: g.flowId, inputs: { i }, priority: i % 3 === 0 ? 'High' : 'Normal' },
            { 'idempotency-key': key },
          );
          if (res.status === 202) {
            out.accepted.push(res.body.id);
            done = true;
          } else if (res.status < 500 && res.status !== 429) {
            throw new Error(`submit ${key}: ${res.status} ${res.text}`);
          }
        } catch (err) {
          if (err instanceof Error && err.message.startsWith('submit ')) throw err;
          // network error: the host is restarting
        }
        if (!done) await sleep(Math.min(250 * attempt, 2_000));
      }
      if (!done) out.abandoned++;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 1 }, worker));
  return out;
}

export interface ScenarioGroup extends E2eGroup {
  maxBots: number;
}

/** An environment of `capacity` with one group per entry of `maxBots`, each with a connection and the flow. */
export async function anEnvironmentWithGroups(
  admin: ApiClient,
  capacity: number,
  maxBots: number[],
  steps: unknown[],
): Promise<{ envId: string; groups: ScenarioGroup[] }> {
  const envId = await anEnvironment(admin, capacity);
  const groups: ScenarioGroup[] = [];
  for (const [i, max] of maxBots.entries()) groups.push({ ...(await aGroupWithFlow(admin, envId, `Faults ${i + 1}`, max, steps)), maxBots: max });
  return { envId, groups };
}

export { until } from '../e2e/e2e-world.js';

export interface ScenarioFigures {
  scenario: string;
  scale: 'short' | 'full';
  runsSubmitted: number;
  submitRequests: number;
  submitRetries: number;
  faultsInjected: Record<string, number>;
  /** runs taken back from a lost bot (`run.requeued`, or `run.failed` with BotLost) */
  lostBotRecoveries: number;
  runsChecked: number;
  outcomes: Record<string, number>;
  samples: number;
  mostBotsAlive: number;
  capacity: number;
  seconds: number;
  invariants: Record<string, { checked: number; violations: number }>;
}

/** Prints the scenario's figures and leaves them for the faults project's global teardown (bench/results/faults.json). */
export function recordFigures(figures: ScenarioFigures): void {
  mkdirSync(FIGURES_DIR, { recursive: true });
  writeFileSync(path.join(FIGURES_DIR, `${figures.scenario.replace(/[^a-z0-9]+/gi, '-')}.json`), JSON.stringify(figures, null, 2));
  console.log(`[faults] ${figures.scenario}: ${JSON.stringify(figures)}`);
}

export function outcomesOf(runs: RunDocument[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of runs) {
    const key = r.error?.code ? `${r.state}:${r.error.code}` : r.state;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/** Injected provisioning failures recorded on the groups (`provisioningErrors`, served by `GET .../groups/{id}/errors`; the newest 50 per group). */
export async function provisioningFailures(world: FaultWorld, envId: string): Promise<number> {
  const groups = await world.store.groupsOf(envId);
  return groups.reduce((n, g) => n + (g.provisioningErrors ?? []).filter((e) => e.reason.includes('SimulatedFailure')).length, 0);
}
