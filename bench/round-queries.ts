import { createRequire } from 'node:module';
import os from 'node:os';
import { CosmosClient, type Container } from '@azure/cosmos';
import { startCosmosPeer } from '../local/stack/cosmos-peer.js';
import { cosmosDefinitions, RUNS_CONTAINER } from '../app/config/infra-definitions.js';
import { dispatchKeyOf, type RunDocument } from '../domain/run.js';
import { CosmosRunCounts } from '../adapters/cosmos/cosmos-run-counts.js';
import { CosmosRunQueries } from '../adapters/cosmos/cosmos-run-queries.js';
import { seedQueuedRuns } from './bench-world.js';
import { stats } from './stats.js';

/**
 * `node --import tsx bench/round-queries.ts`: the planning round's reads (the environment's bots, the run counts of
 * `countsFor`, the oldest queued run of each group) and a submit's QueueFull COUNT against the local Cosmos peer alone,
 * in process, with ROUND_QUERIES_QUEUED (100,000) Queued runs over ROUND_QUERIES_GROUPS (10) groups of 50 bot records,
 * through the peer's HTTP API and the Cosmos SDK. First with the peer's equality index, then with its queries
 * handed to the scan (the peer as it was), in the same process and conditions. Prints JSON (ms).
 */

const GROUPS = Number(process.env.ROUND_QUERIES_GROUPS ?? 10);
const QUEUED = Number(process.env.ROUND_QUERIES_QUEUED ?? 100_000);
const ROUNDS = Number(process.env.ROUND_QUERIES_ROUNDS ?? 200);
const SCAN_ROUNDS = Number(process.env.ROUND_QUERIES_SCAN_ROUNDS ?? 10);
const ENV = 'env-round-queries';

function templateRun(): RunDocument {
  const at = new Date().toISOString();
  const run = {
    id: 'template',
    environmentId: ENV,
    type: 'run',
    groupId: 'g0',
    connectionId: 'c1',
    desktopFlow: { id: 'f1', name: 'Flow', version: 1, definitionHash: 'h' },
    inputs: { invoice: 'INV-1' },
    priority: 'Normal',
    timeoutMinutes: 60,
    submittedBy: 'bench',
    state: 'Queued',
    attempt: 0,
    queuedAt: at,
    createdAt: at,
    updatedAt: at,
  } as unknown as RunDocument;
  return { ...run, dispatchKey: dispatchKeyOf(run) };
}

async function writeBots(bots: Container, groupIds: string[]): Promise<void> {
  const at = new Date().toISOString();
  for (const groupId of groupIds) {
    const operations = Array.from({ length: 50 }, (_, i) => ({
      operationType: 'Create' as const,
      partitionKey: ENV,
      resourceBody: {
        id: `${groupId}-bot-${i}`,
        environmentId: ENV,
        type: 'bot',
        groupId,
        state: 'Busy',
        since: at,
        credentialVersion: 1,
        createdAt: at,
        updatedAt: at,
      },
    }));
    await bots.items.executeBulkOperations(operations);
  }
}

async function main(): Promise<void> {
  const peer = await startCosmosPeer();
  const client = new CosmosClient({ endpoint: peer.endpoint, key: peer.key, connectionPolicy: { enableEndpointDiscovery: false } });
  const database = client.database(cosmosDefinitions.databaseName);
  const runs = database.container(RUNS_CONTAINER);
  const bots = database.container('bots');
  const groupIds = Array.from({ length: GROUPS }, (_, i) => `g${i}`);
  const counts = new CosmosRunCounts(runs);
  const queries = new CosmosRunQueries(runs);
  const load = () => os.loadavg().map((v) => Math.round(v * 100) / 100);
  try {
    const template = templateRun();
    const seedStart = performance.now();
    for (const groupId of groupIds) await seedQueuedRuns(runs, template, groupId, Math.floor(QUEUED / GROUPS));
    await writeBots(bots, groupIds);
    const seedMs = Math.round(performance.now() - seedStart);

    const round = async () => {
      const t = performance.now();
      await bots.items
        .query(
          {
            query: 'SELECT * FROM c WHERE c.environmentId = @environmentId AND c.type = @type',
            parameters: [
              { name: '@environmentId', value: ENV },
              { name: '@type', value: 'bot' },
            ],
          },
          { partitionKey: ENV },
        )
        .fetchAll();
      const c = await counts.countsFor(ENV, groupIds);
      await Promise.all(groupIds.map((g) => queries.nextQueued(ENV, g, 1)));
      if ((c.g0?.queued ?? 0) !== Math.floor(QUEUED / GROUPS)) throw new Error(`counts: ${JSON.stringify(c.g0)}`);
      return performance.now() - t;
    };
    const submitCount = async () => {
      const t = performance.now();
      await queries.queuedCount(ENV, 'g1');
      return performance.now() - t;
    };
    const series = async (n: number, f: () => Promise<number>) => {
      const samples: number[] = [];
      for (let i = 0; i < n; i++) samples.push(await f());
      return stats(samples);
    };

    for (let i = 0; i < 5; i++) await round();
    const loadBefore = load();
    const indexed = { round: await series(ROUNDS, round), submitQueuedCount: await series(ROUNDS, submitCount), load: [loadBefore, load()] };

    // the same queries with the peer's own scan: its documents' query method handed back to the one it overrides
    const require = createRequire(import.meta.url);
    const serverEntry = require.resolve('@vercel/cosmosdb-server');
    const documents = (
      require(require.resolve('@vercel/cosmosdb-server/lib/account/documents.js', { paths: [serverEntry] })) as { default: { prototype: object } }
    ).default;
    delete (documents.prototype as { query?: unknown }).query;
    const loadScan = load();
    const scanned = { round: await series(SCAN_ROUNDS, round), submitQueuedCount: await series(SCAN_ROUNDS, submitCount), load: [loadScan, load()] };

    process.stdout.write(
      `${JSON.stringify({ at: new Date().toISOString(), groups: GROUPS, botsPerGroup: 50, queued: QUEUED, seedMs, indexed, scanned, ratioP50: scanned.round.n === 0 ? null : Math.round((scanned.round.p50 / indexed.round.p50) * 10) / 10 })}\n`,
    );
  } finally {
    client.dispose();
    await peer.close();
  }
}

await main();
