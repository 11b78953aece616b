import { createRequire } from 'node:module';
import { partitionScopeOf } from './cosmos-partition-keys.js';
import { groupDocuments, Groups, type GroupByQuery, type GroupFound } from './cosmos-group-by.js';
import { INDEXED_FIELDS, QueryIndex, type CompiledQuery, type QueryOptions } from './cosmos-query-index.js';

let applied = false;

/**
 * The local Cosmos peer (@vercel/cosmosdb-server) compiles each query with @zeit/cosmosdb-query, whose generated code
 * starts with `$c.reduce(($, c) => typeof c !== "undefined" ? [...$, { c: c }] : $, [])`: a copy of the array per
 * document, quadratic in the container's documents (a COUNT over 10,000 runs takes 0.1 s, over 16,000 runs 5 s, over
 * 30,000 runs 32 s on this machine), where Azure Cosmos DB answers such queries from its indexes. That one step is
 * rewritten into the linear `filter` + `map` it means (same rows, same order), in the process the peer runs in.
 * The same copy per row in the helper every answer goes through (`stripUndefined`) is made linear too.
 * Then the peer's documents keep an equality index on their writes (cosmos-query-index.ts): a query with equality
 * conditions on the indexed fields reads the matching documents only, with the scan's answer.
 */
export function speedUpPeerQueries(): void {
  if (applied) return;
  applied = true;
  const require = createRequire(import.meta.url);
  const serverEntry = require.resolve('@vercel/cosmosdb-server');
  const compile = (require(require.resolve('@zeit/cosmosdb-query', { paths: [serverEntry] })) as { default: (q: string) => object }).default;
  const prototype = Object.getPrototypeOf(compile('SELECT * FROM c')) as object;
  const original = Object.getOwnPropertyDescriptor(prototype, 'code')?.get;
  if (original === undefined) throw new Error('@zeit/cosmosdb-query changed: no code getter to patch');
  const quadratic = /\.reduce\(\(\$, (\w+)\) => typeof \1 !== "undefined" \? \[\.\.\.\$, \{\s*(\w+): \1\s*\}\] : \$, \[\]\)/g;
  Object.defineProperty(prototype, 'code', {
    configurable: true,
    get(this: object) {
      const code = original.call(this) as string;
      return code.replace(
        quadratic,
        (_, item: string, alias: string) => `.filter((${item}) => typeof ${item} !== "undefined").map((${item}) => ({ ${alias}: ${item} }))`,
      );
    },
  });
  linearStripUndefined(require(require.resolve('@zeit/cosmosdb-query/lib/helpers.js', { paths: [serverEntry] })) as PeerHelpers);
  indexPeerDocuments(require(require.resolve('@vercel/cosmosdb-server/lib/account/documents.js', { paths: [serverEntry] })) as { default: DocumentsClass });
}

/** The helpers the compiled queries call (`$h`), and `paginate` through its module's exports. */
interface PeerHelpers {
  stripUndefined(value: unknown): unknown;
}

/**
 * Every answer's rows go through `stripUndefined`, whose array case copies the array per row
 * (`reduce((o, v) => [...o, strip(v)], [])`): quadratic in the rows of a page (a list of 500 bot records took 15 ms
 * of copies). The same rows in one pass; its object case, linear already, is kept.
 */
function linearStripUndefined(helpers: PeerHelpers): void {
  const original = helpers.stripUndefined;
  helpers.stripUndefined = (value: unknown): unknown => {
    if (!Array.isArray(value)) return original(value);
    const rows: unknown[] = [];
    for (const v of value as unknown[]) if (typeof v !== 'undefined') rows.push(helpers.stripUndefined(v));
    return rows;
  };
}

type Doc = Record<string, unknown> & { _rid: string };
/** The peer's document collection (lib/account/items.js), as far as the index uses it. */
interface PeerDocuments {
  _data: Map<string, { read(): Doc | undefined }>;
  _parent: { read(): { indexingPolicy?: { compositeIndexes?: unknown } } | null | undefined };
  _item(keyPath: string, value: string, partition: unknown): { read(): Doc | undefined };
  _getQuery(sql: string): CompiledQuery;
  _userDefinedFunctions(): unknown;
  _set(data: Doc): Doc;
  delete(idOrRid: string, partition: unknown): void;
  query(params: { query: string; parameters?: QueryOptions['parameters'] }, options: { maxItemCount?: number; continuation?: unknown }): unknown;
}
type DocumentsClass = { prototype: PeerDocuments };

const indexes = new WeakMap<PeerDocuments, QueryIndex>();

function indexOf(documents: PeerDocuments): QueryIndex {
  let index = indexes.get(documents);
  if (!index) {
    index = new QueryIndex();
    for (const item of documents._data.values()) {
      const doc = item.read();
      if (doc) index.set(doc);
    }
    indexes.set(documents, index);
  }
  return index;
}

/** Keeps the index on the peer's two write primitives (create, replace, upsert and patch all end in them), and asks it first. */
function indexPeerDocuments({ default: Documents }: { default: DocumentsClass }): void {
  const items = Object.getPrototypeOf(Documents.prototype) as PeerDocuments;
  Documents.prototype._set = function (this: PeerDocuments, data: Doc) {
    const stored = items._set.call(this, data);
    indexOf(this).set(data);
    return stored;
  };
  Documents.prototype.delete = function (this: PeerDocuments, idOrRid: string, partition: unknown) {
    const doc = this._item('/id', idOrRid, partition).read();
    items.delete.call(this, idOrRid, partition);
    if (doc) indexOf(this).remove(doc._rid);
  };
  Documents.prototype.query = function (this: PeerDocuments, params, options) {
    const parent = this._parent.read();
    if (!parent) return null;
    const compiled = this._getQuery(params.query);
    const execOptions: QueryOptions = {
      parameters: params.parameters,
      udf: this._userDefinedFunctions(),
      maxItemCount: options.maxItemCount,
      continuation: options.continuation,
      compositeIndexes: parent.indexingPolicy?.compositeIndexes ?? [],
    };
    let answer: unknown;
    try {
      // a query that names a partition key: the index answers only when its conditions pin that partition's values
      const scope = partitionScopeOf(this)?.map(({ path, value }) => ({ field: path.slice(1), value }));
      answer = indexOf(this).answer(compiled, execOptions, scope);
    } catch {
      // whatever the evaluation refuses, the scan refuses as the peer does (a 400 for a bad query)
      answer = undefined;
    }
    return answer ?? items.query.call(this, params, options);
  };
}

/**
 * A GROUP BY's groups over the container's documents (the request's partition scope applied): from the index when its
 * WHERE is all indexed conditions, it groups by indexed fields and its MIN and MAX are of fields every matching
 * document holds a string in (a tuple's count and the ends of its kept order, not its documents); otherwise from the
 * documents the peer's own evaluation of the WHERE selects.
 */
export function groupsOf(documents: object, q: GroupByQuery, parameters: QueryOptions['parameters']): GroupFound[] {
  const peer = documents as PeerDocuments;
  const rows = `SELECT * FROM ${q.from}${q.where === undefined ? '' : ` WHERE ${q.where}`}`;
  const fromIndex = groupsFromIndex(peer, q, rows, parameters);
  return fromIndex ?? groupDocuments(q, peerRows(peer.query({ query: rows, parameters }, {})));
}

function peerRows(answer: unknown): Array<Record<string, unknown>> {
  return ((answer as { result?: unknown[] } | null)?.result ?? []) as Array<Record<string, unknown>>;
}

function groupsFromIndex(documents: PeerDocuments, q: GroupByQuery, rows: string, parameters: QueryOptions['parameters']): GroupFound[] | undefined {
  const indexed = (path: readonly string[] | undefined) => path?.length === 1 && (INDEXED_FIELDS as readonly string[]).includes(path[0] ?? '');
  if (!q.groupBy.every(indexed)) return undefined;
  if (q.select.some((s) => s.aggregate === 'Sum' || (s.path !== undefined && s.aggregate !== undefined && s.path.length !== 1))) return undefined;
  const scope = partitionScopeOf(documents)?.map(({ path, value }) => ({ field: path.slice(1), value }));
  const tuples = indexOf(documents).tuplesMatching(documents._getQuery(rows), { parameters }, scope ?? []);
  if (tuples === undefined) return undefined;
  const groups = new Groups();
  for (const t of tuples) {
    const group = groups.add(
      q.groupBy.map((p) => t.values[p[0] ?? '']),
      t.count,
    );
    for (const s of q.select) {
      if (s.aggregate === undefined || s.path === undefined) continue;
      const range = t.range(s.path[0] ?? '');
      if (range === undefined) return undefined;
      groups.addValues(group, s, { defined: range.defined, min: range.first, max: range.last });
    }
  }
  return groups.list();
}
