import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/*
 * Partition keys in the local Cosmos peer, as Azure Cosmos DB treats them. @vercel/cosmosdb-server keys every document by
 * the value of the container's first partition key path only, and answers queries over the whole container whatever
 * partition key the request names. Azure's behaviour, followed here:
 * - A hierarchical (MultiHash) container has up to three paths; the logical partition is the full path of values, and a
 *   query by a prefix of it ([tenant] of [tenant, user]) is routed to that prefix's items only
 *   (https://learn.microsoft.com/azure/cosmos-db/hierarchical-partition-keys, "Query prefix" and "Known limitations";
 *   https://learn.microsoft.com/azure/cosmos-db/hierarchical-partition-keys-faq, the logical partition is the entire
 *   partition key path).
 * - Point operations (read, replace, delete, patch) name the full key: fewer components than the container's paths is a
 *   400, the right id under another key is a 404 (a point read is id + full partition key value).
 * - An item without a value for one of the paths is stored under "undefined" for that component; the SDK sends `{}` for
 *   it (@azure/cosmos 4.9.3 `NonePartitionKeyLiteral`), e.g. `["e1",{}]`.
 * - A query or read feed that names a partition key (full or prefix) sees only that partition's items, single-path
 *   containers included.
 * - Bulk (a non-atomic batch) carries each operation's full key and is served as those operations one by one.
 * - A conditional patch's predicate (`FROM c WHERE …`) is evaluated on the item being patched
 *   (https://learn.microsoft.com/azure/cosmos-db/partial-document-update, "Supported modes": conditional patch): a 412
 *   when it does not hold. The peer evaluated it, lower-cased, over every item of the container with the same id.
 * Refused with a 400 that says so: transactional (atomic) batches against hierarchical containers, and queries that
 * name an effective-partition-key range (`x-ms-start-epk`), which the peer cannot compute.
 */

const PARTITION_KEY_HEADER = 'x-ms-documentdb-partitionkey';

interface CollectionDefinition {
  partitionKey?: { paths?: string[]; kind?: string };
}
interface PeerItems {
  _partitionKeyPath: string[];
  _data: Map<string, { read(): Record<string, unknown> }>;
  /** the peer's compiled query (@zeit/cosmosdb-query), evaluated over the documents handed to it */
  _getQuery(sql: string): { exec(documents: object[], options: { udf: unknown }): { result: unknown[] } };
  _userDefinedFunctions(): unknown;
}
/** The peer's patch of one document (lib/handler/_patch-operations.js): `partitionKey` is the request's header. */
interface PatchInput {
  id: string;
  partitionKey?: string;
  condition?: string;
  [field: string]: unknown;
}
type PatchOperation = (
  collection: { documents: PeerItems; document(id: string, partition: unknown): { read(): Record<string, unknown> | undefined } },
  input: PatchInput,
) => { statusCode: number; body: unknown };
export interface PeerAccount {
  database(id: string): { collection(id: string): { read(): CollectionDefinition | undefined; documents: PeerItems } };
}

/** What the request in progress may see of a container: the items under this key prefix (components in path order). */
interface PartitionScope {
  documents: PeerItems;
  prefix: unknown[];
}

const scopes = new AsyncLocalStorage<PartitionScope>();
let lastAccount: PeerAccount | undefined;
let applied = false;

/** A stored key: the components in path order, an absent value as `{}` (what the SDK sends for "undefined"). */
function encodeKey(components: unknown[]): string {
  return JSON.stringify(components.map((c) => (c === undefined ? {} : c)));
}

const segmentsOf = new Map<string, string[]>();

function valueAt(path: string, doc: Record<string, unknown>): unknown {
  let segments = segmentsOf.get(path);
  if (segments === undefined) segmentsOf.set(path, (segments = path.slice(1).split('/')));
  let value: unknown = doc;
  for (const segment of segments) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/** A header component as a document value: the SDK's `{}` stands for "undefined". */
function asValue(component: unknown): unknown {
  return component !== null && typeof component === 'object' && Object.keys(component).length === 0 ? undefined : component;
}

/**
 * Patches the peer's storage (once per process): documents of a container with several partition key paths are keyed
 * by all of their values, point operations look them up by the full key, and queries and read feeds that name a key see
 * only its partition. Also records each account the peer creates, so that `guardPartitionKeys` can read container
 * definitions.
 */
export function honourPartitionKeys(): void {
  if (applied) return;
  applied = true;
  const require = createRequire(import.meta.url);
  const lib = dirname(require.resolve('@vercel/cosmosdb-server'));
  const headerModule = require(join(lib, 'utils/get-partition-from-header.js')) as { parsePartitionKey: (header: string, fallback: string) => unknown };
  const itemsModule = require(join(lib, 'account/items.js')) as { default: { prototype: Record<string, unknown> } };
  const accountModule = require(join(lib, 'account/index.js')) as { default: new (host: string, port: number) => PeerAccount };
  const patchModule = require(join(lib, 'handler/_patch-operations.js')) as { patchOperation: PatchOperation };

  const parseHeader = headerModule.parsePartitionKey;
  headerModule.parsePartitionKey = (header: string, fallback: string) => {
    const parsed = JSON.parse(header) as unknown;
    // single-component keys keep the peer's own handling (its stored key is the bare value)
    return Array.isArray(parsed) && parsed.length > 1 ? encodeKey(parsed) : parseHeader(header, fallback);
  };

  const items = itemsModule.default.prototype;
  const getPartition = items._getPartition as (this: PeerItems, data: Record<string, unknown>) => unknown;
  items._getPartition = function (this: PeerItems, data: Record<string, unknown>) {
    return this._partitionKeyPath.length > 1 ? encodeKey(this._partitionKeyPath.map((p) => valueAt(p, data))) : getPartition.call(this, data);
  };
  for (const method of ['query', 'read'] as const) {
    const original = items[method] as (this: PeerItems, ...args: unknown[]) => unknown;
    items[method] = function (this: PeerItems, ...args: unknown[]) {
      const scope = scopes.getStore();
      if (scope?.documents !== this) return original.apply(this, args);
      const all = this._data;
      const prefix = scope.prefix.map(asValue);
      const paths = this._partitionKeyPath.slice(0, prefix.length);
      const inScope = new Map<string, { read(): Record<string, unknown> }>();
      for (const [rid, item] of all) {
        const doc = item.read();
        if (paths.every((p, i) => valueAt(p, doc) === prefix[i])) inScope.set(rid, item);
      }
      this._data = inScope;
      try {
        return original.apply(this, args); // synchronous: no other request sees the narrowed map
      } finally {
        this._data = all;
      }
    };
  }

  const patch = patchModule.patchOperation;
  patchModule.patchOperation = (collection, input) => {
    if (input.condition === undefined) return patch(collection, input);
    const predicate = /^\s*FROM\s+(\w+)\s+WHERE\s+([\s\S]+)$/i.exec(input.condition);
    if (!predicate) {
      return {
        statusCode: 400,
        body: { code: 'BadRequest', message: 'The local Cosmos peer evaluates a patch condition written "FROM c WHERE <predicate>" only.' },
      };
    }
    const [, alias, where] = predicate;
    // the item under its own full key (as the peer's patch finds it), and the predicate evaluated on it alone
    const item = collection.document(input.id, headerModule.parsePartitionKey(input.partitionKey as string, input.id)).read();
    if (!item) return { statusCode: 404, body: {} };
    const documents = collection.documents;
    let holds: boolean;
    try {
      holds = documents._getQuery(`SELECT VALUE 1 FROM ${alias} WHERE ${where}`).exec([item], { udf: documents._userDefinedFunctions() }).result.length > 0;
    } catch {
      return { statusCode: 400, body: { code: 'BadRequest', message: 'Invalid condition in patch request.' } };
    }
    if (!holds) return { statusCode: 412, body: { code: 'PreconditionFailed', message: 'Condition specified in the patch request is not satisfied.' } };
    return patch(collection, { ...input, condition: undefined });
  };

  const Account = accountModule.default;
  accountModule.default = class RecordedAccount extends Account {
    constructor(host: string, port: number) {
      super(host, port);
      recordAccount(this);
    }
  };
}

/**
 * The partition a query in progress names for these documents, as (path, value) pairs in path order; undefined when it
 * names none. The query index (cosmos-query-speedup.ts) answers only when its conditions pin these values.
 */
export function partitionScopeOf(documents: object): Array<{ path: string; value: unknown }> | undefined {
  const scope = scopes.getStore();
  if (scope?.documents !== documents) return undefined;
  return scope.prefix.map((component, i) => ({ path: scope.documents._partitionKeyPath[i] ?? '', value: asValue(component) }));
}

function recordAccount(account: PeerAccount): void {
  lastAccount = account;
}

/** The account the peer created when it started listening (call from the server's 'listening' event, after the peer's own). */
export function takeListeningAccount(): PeerAccount {
  if (lastAccount === undefined) throw new Error('the Cosmos peer created no account: honourPartitionKeys() was not applied before it listened');
  const account = lastAccount;
  lastAccount = undefined;
  return account;
}

type Next = () => void;

/**
 * Checks a document request's partition key against its container's definition, then lets the peer serve it; a query
 * or read feed that names a key is served inside that key's scope. Answers 400 itself where Azure refuses the request
 * or where the peer does not implement it.
 */
export function guardPartitionKeys(account: PeerAccount, req: IncomingMessage, res: ServerResponse, next: Next): void {
  const m = /^\/dbs\/([^/]+)\/colls\/([^/]+)\/docs(?:\/([^/]+))?\/?$/.exec((req.url ?? '').split('?')[0] ?? '');
  if (!m) return next();
  const collection = account.database(decodeURIComponent(m[1] ?? '')).collection(decodeURIComponent(m[2] ?? ''));
  const paths = collection.read()?.partitionKey?.paths;
  if (paths === undefined) return next();
  const hierarchical = paths.length > 1;
  const header = req.headers[PARTITION_KEY_HEADER];
  const key = typeof header === 'string' ? parseKeyHeader(header) : undefined;
  const method = (req.method ?? 'GET').toUpperCase();
  const isQuery =
    method === 'POST' && (req.headers['x-ms-documentdb-isquery'] === 'true' || String(req.headers['content-type']).startsWith('application/query+json'));
  const isFeed = m[3] === undefined && method === 'GET';
  if (hierarchical && req.headers['x-ms-cosmos-batch-atomic'] === 'true') {
    return refuse(req, res, 'Transactional batch on a container with a hierarchical partition key is not implemented by the local Cosmos peer.');
  }
  if (hierarchical && req.headers['x-ms-start-epk'] !== undefined) {
    return refuse(req, res, 'Effective partition key ranges (x-ms-start-epk) are not implemented by the local Cosmos peer.');
  }
  if (key !== undefined && key.length > paths.length) {
    return refuse(req, res, `The partition key has ${key.length} components; the container's partition key definition has ${paths.length}.`);
  }
  if (isQuery || isFeed) {
    if (key === undefined || key.length === 0 || req.headers['x-ms-cosmos-is-query-plan-request'] !== undefined) return next();
    return scopes.run({ documents: collection.documents, prefix: key }, next);
  }
  const isPointOperation = m[3] !== undefined;
  if (hierarchical && isPointOperation && (key === undefined || key.length !== paths.length)) {
    return refuse(
      req,
      res,
      `The partition key supplied in x-ms-documentdb-partitionkey has fewer components than defined in the collection (${paths.length}): a point operation names the full hierarchical key.`,
    );
  }
  return next();
}

function parseKeyHeader(header: string): unknown[] | undefined {
  try {
    const parsed = JSON.parse(header) as unknown;
    return Array.isArray(parsed) ? parsed : [parsed];
  } catch {
    return undefined;
  }
}

function refuse(req: IncomingMessage, res: ServerResponse, message: string): void {
  req.resume();
  res.writeHead(400, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ code: 'BadRequest', message }));
}
