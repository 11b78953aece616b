import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpServer } from '@vercel/cosmosdb-server';
import { CosmosClient, PartitionKeyKind, type IndexingPolicy } from '@azure/cosmos';
import { cosmosDefinitions } from '../../app/config/infra-definitions.js';
import { CosmosOperationCounters } from './cosmos-operations.js';
import { guardPartitionKeys, honourPartitionKeys, takeListeningAccount, type PeerAccount } from './cosmos-partition-keys.js';
import { speedUpPeerQueries } from './cosmos-query-speedup.js';
import { serveGroupBy } from './cosmos-group-by-requests.js';

/** Injected failures: a share of data requests answered as a throttled or unavailable Cosmos account would. */
export interface CosmosFaults {
  /** 0..1 of requests answered 429 with `x-ms-retry-after-ms` */
  throttleRate: number;
  throttleRetryAfterMs: number;
  /** 0..1 of requests answered 503 */
  unavailableRate: number;
  /** data requests this picks are all answered 503 (e.g. upserts only: a confirmation that never comes) */
  unavailableWhen?: ((req: IncomingMessage) => boolean) | undefined;
}

export interface CosmosPeer {
  endpoint: string;
  /** any key works with the local server; this one is the public emulator key, not a secret */
  key: string;
  faults: CosmosFaults;
  counters: { requests: number; throttled: number; unavailable: number };
  /** reads, writes, queries and query plans per container (what the bench reports per run) */
  operations: CosmosOperationCounters;
  close(): Promise<void>;
}

export const LOCAL_COSMOS_KEY = 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Cosmos DB's REST API in this process (`@vercel/cosmosdb-server` over plain HTTP with keep-alive: its
 * bundled TLS certificate expired), with the database and containers of `infra/definitions/cosmos.json`.
 */
export async function startCosmosPeer(options: { port?: number } = {}): Promise<CosmosPeer> {
  speedUpPeerQueries();
  honourPartitionKeys();
  const server = createHttpServer({ keepAlive: true } as Parameters<typeof createHttpServer>[0]);
  const faults: CosmosFaults = { throttleRate: 0, throttleRetryAfterMs: 50, unavailableRate: 0 };
  const counters = { requests: 0, throttled: 0, unavailable: 0 };
  const operations = new CosmosOperationCounters();
  let account: PeerAccount | undefined;
  const inner = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    counters.requests++;
    operations.count(req);
    // Faults hit data operations only, so that clients can still bootstrap (GET / reads the account).
    const isData = req.url !== '/' && req.url !== undefined;
    if (isData && Math.random() < faults.throttleRate) {
      counters.throttled++;
      req.resume();
      res.writeHead(429, { 'content-type': 'application/json', 'x-ms-retry-after-ms': String(faults.throttleRetryAfterMs), 'x-ms-substatus': '3200' });
      res.end(JSON.stringify({ code: 'TooManyRequests', message: 'Request rate is large (injected by the local cloud).' }));
      return;
    }
    if (isData && (Math.random() < faults.unavailableRate || faults.unavailableWhen?.(req) === true)) {
      counters.unavailable++;
      req.resume();
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 'ServiceUnavailable', message: 'Service is unavailable (injected by the local cloud).' }));
      return;
    }
    if (account === undefined) throw new Error('the Cosmos peer answered before it listened');
    const peerAccount = account;
    serveGroupBy(peerAccount, req, res, (request) =>
      guardPartitionKeys(peerAccount, request, res, () => {
        for (const listener of inner) listener(request, res);
      }),
    );
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      account = takeListeningAccount(); // the peer created it in its own 'listening' listener, just before this one
      resolve();
    });
  });

  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://127.0.0.1:${port}`;
  await createDatabaseAndContainers(endpoint);
  return {
    endpoint,
    key: LOCAL_COSMOS_KEY,
    faults,
    counters,
    operations,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function createDatabaseAndContainers(endpoint: string): Promise<void> {
  const client = new CosmosClient({ endpoint, key: LOCAL_COSMOS_KEY, connectionPolicy: { enableEndpointDiscovery: false } });
  try {
    const { database } = await client.databases.createIfNotExists({ id: cosmosDefinitions.databaseName });
    for (const c of cosmosDefinitions.containers) {
      await database.containers.createIfNotExists({
        id: c.name,
        partitionKey: { paths: c.partitionKeyPaths, kind: c.partitionKeyPaths.length > 1 ? PartitionKeyKind.MultiHash : PartitionKeyKind.Hash, version: 2 },
        uniqueKeyPolicy: c.uniqueKeyPaths.length > 0 ? { uniqueKeys: [{ paths: c.uniqueKeyPaths }] } : undefined,
        ...(c.defaultTtl === undefined ? {} : { defaultTtl: c.defaultTtl }),
        // the peer keeps the policy and consults its composite indexes for multi-path ORDER BY only; passed so that
        // the local containers are declared as the Azure ones are
        ...(c.indexingPolicy === undefined ? {} : { indexingPolicy: c.indexingPolicy as IndexingPolicy }),
      });
    }
  } finally {
    client.dispose();
  }
}
