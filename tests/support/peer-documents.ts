import { createRequire } from 'node:module';

/** The local Cosmos peer's document collections in process, without its HTTP server (unit tests of its query paths). */
const require = createRequire(import.meta.url);
const serverEntry = require.resolve('@vercel/cosmosdb-server');
const Account = (
  require(require.resolve('@vercel/cosmosdb-server/lib/account/index.js', { paths: [serverEntry] })) as {
    default: new (host: string, port: number) => PeerAccount;
  }
).default;

export type Doc = Record<string, unknown>;
export interface PeerDocuments {
  create(doc: Doc): Doc;
  replace(doc: Doc, original: Doc): Doc;
  upsert(doc: Doc): Doc;
  delete(id: string, partition: unknown): void;
  query(params: { query: string; parameters?: Array<{ name: string; value: unknown }> }, options: { maxItemCount?: number; continuation?: unknown }): unknown;
}
interface PeerAccount {
  databases: { create(d: Doc): Doc };
  database(id: string): { collections: { create(d: Doc): Doc }; collection(id: string): { documents: PeerDocuments } };
}

export { seededRandom as random } from './seeded-random.js';

export function pick<T>(rnd: () => number, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)] as T;
}

export function newDocuments(name: string): PeerDocuments {
  const account = new Account('localhost', 0);
  account.databases.create({ id: name });
  account.database(name).collections.create({ id: 'runs', partitionKey: { paths: ['/environmentId'], kind: 'Hash' } });
  return account.database(name).collection('runs').documents;
}

/** A run-like document with the indexed fields, mostly strings, now and then missing or of another type. */
export function aRandomDocument(rnd: () => number, id: string): Doc {
  const doc: Doc = {
    id,
    environmentId: pick(rnd, ['e1', 'e1', 'e2']),
    type: pick(rnd, ['run', 'run', 'run', 'bot', undefined]),
    groupId: pick(rnd, ['g1', 'g2', 'g3', undefined, 7]),
    state: pick(rnd, ['Queued', 'Queued', 'Running', 'Succeeded', undefined, null]),
    priority: pick(rnd, ['High', 'Normal', 'Normal', undefined]),
    // mostly strings with ties; a document now and then without one, or with a number, sends its tuples to the scan
    dispatchKey: rnd() < 0.06 ? pick(rnd, [undefined, 3]) : pick(rnd, ['a', 'b', 'b', 'c', 'd', 'e']),
    queuedAt: pick(rnd, ['2026-01-01', '2026-01-02', '2026-01-02']),
    endedAt: rnd() < 0.06 ? undefined : pick(rnd, ['2026-02-01', '2026-02-02', '2026-02-02', '2026-02-03']),
    botId: pick(rnd, ['b1', 'b2', undefined]),
  };
  for (const k of Object.keys(doc)) if (doc[k] === undefined) delete doc[k];
  return doc;
}
