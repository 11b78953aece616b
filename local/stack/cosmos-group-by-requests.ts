import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { GroupByNotImplemented, hasGroupBy, parseGroupBy, queryPlanOf, rewrittenQueryOf, rowsOf, type GroupByQuery } from './cosmos-group-by.js';
import { guardPartitionKeys, type PeerAccount } from './cosmos-partition-keys.js';
import { groupsOf } from './cosmos-query-speedup.js';

type Next = (req: IncomingMessage) => void;

/** The rewritten queries the peer's plans handed out, with the query each stands for (a plan comes before its query). */
const rewritten = new Map<string, GroupByQuery>();
const REMEMBERED = 1_000;

/**
 * Serves the GROUP BY requests of a query (cosmos-group-by.ts): the query sent as is (refused, so that the SDK asks for
 * the plan), its plan, and the rewritten query the plan names. Any other request goes on to the peer, its body
 * replayed when it was read here.
 */
export function serveGroupBy(account: PeerAccount, req: IncomingMessage, res: ServerResponse, next: Next): void {
  const m = /^\/dbs\/([^/]+)\/colls\/([^/]+)\/docs\/?$/.exec((req.url ?? '').split('?')[0] ?? '');
  const header = (name: string) => String(req.headers[name] ?? '').toLowerCase();
  const isPlan = header('x-ms-cosmos-is-query-plan-request') === 'true';
  const isQuery = header('x-ms-documentdb-isquery') === 'true' || header('content-type').startsWith('application/query+json');
  if (!m || req.method !== 'POST' || (!isPlan && !isQuery)) return next(req);
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    let spec: { query?: unknown; parameters?: Array<{ name: string; value: unknown }> };
    try {
      spec = JSON.parse(body.toString('utf8')) as typeof spec;
    } catch {
      return next(replay(req, body));
    }
    const sql = typeof spec.query === 'string' ? spec.query : '';
    const known = rewritten.get(sql);
    if (!hasGroupBy(sql)) return next(replay(req, body));
    try {
      if (known !== undefined) {
        // within the partition key the request names, as the peer serves any query
        return guardPartitionKeys(account, req, res, () => {
          const documents = account.database(decodeURIComponent(m[1] ?? '')).collection(decodeURIComponent(m[2] ?? '')).documents;
          const rows = rowsOf(known, groupsOf(documents, known, spec.parameters));
          // pages of x-ms-max-item-count rows (-1 or none: all), continued by the offset of the next
          const size = Number(header('x-ms-max-item-count') || -1);
          const from = Number(header('x-ms-continuation') || 0);
          const page = size > 0 ? rows.slice(from, from + size) : rows.slice(from);
          const more: Record<string, string> = size > 0 && from + size < rows.length ? { 'x-ms-continuation': String(from + size) } : {};
          answer(res, 200, { _rid: '', Documents: page, _count: page.length }, { 'x-ms-item-count': String(page.length), ...more });
        });
      }
      const query = parseGroupBy(sql);
      if (!isPlan) {
        // what the service answers a GROUP BY it must run across partitions; the SDK then runs the plan
        return answer(res, 400, { code: 'BadRequest', message: "Cross partition query only supports 'VALUE <AggregateFunc>' for aggregates." });
      }
      const text = rewrittenQueryOf(query);
      if (rewritten.size >= REMEMBERED) rewritten.delete(rewritten.keys().next().value as string);
      rewritten.set(text, query);
      return answer(res, 200, queryPlanOf(query));
    } catch (err) {
      if (err instanceof GroupByNotImplemented) return answer(res, 400, { code: 'BadRequest', message: err.message });
      throw err;
    }
  });
}

/** The request again, its body still to read, for the peer's own handlers. */
function replay(req: IncomingMessage, body: Buffer): IncomingMessage {
  return Object.assign(Readable.from([body]), { method: req.method, url: req.url, headers: req.headers, socket: req.socket }) as unknown as IncomingMessage;
}

function answer(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
