import type { IncomingMessage } from 'node:http';

/** What a request to the Cosmos REST API is, as Cosmos bills it: a point read, a write, a query (or its plan), metadata. */
export type CosmosOperation = 'read' | 'write' | 'query' | 'queryPlan' | 'metadata';

export interface ContainerOperations {
  reads: number;
  writes: number;
  queries: number;
  queryPlans: number;
}

/**
 * Classifies a request by the REST API's shape: `/dbs/{db}/colls/{coll}/docs` POST is a create, or a query
 * (`x-ms-documentdb-isquery`), or a query plan (`x-ms-cosmos-is-query-plan-request`); `/docs/{id}` GET is a point read,
 * PUT/PATCH/DELETE a write; anything else (account, databases, containers, partition key ranges) is metadata.
 */
export function classifyCosmosRequest(req: Pick<IncomingMessage, 'method' | 'url' | 'headers'>): { container?: string; operation: CosmosOperation } {
  const path = (req.url ?? '').split('?')[0] ?? '';
  const m = /^\/dbs\/[^/]+\/colls\/([^/]+)\/docs(?:\/([^/]+))?\/?$/.exec(path);
  if (!m) return { operation: 'metadata' };
  const container = decodeURIComponent(m[1] ?? '');
  const header = (name: string) => String(req.headers[name] ?? '').toLowerCase();
  const method = (req.method ?? 'GET').toUpperCase();
  if (m[2] === undefined) {
    if (method !== 'POST') return { container, operation: 'query' }; // a read feed
    if (header('x-ms-cosmos-is-query-plan-request') === 'true') return { container, operation: 'queryPlan' };
    if (header('x-ms-documentdb-isquery') === 'true' || header('content-type').startsWith('application/query+json')) return { container, operation: 'query' };
    return { container, operation: 'write' };
  }
  return { container, operation: method === 'GET' ? 'read' : 'write' };
}

/** Per-container counts, kept by the peer for every request it serves. */
export class CosmosOperationCounters {
  readonly byContainer: Record<string, ContainerOperations> = {};
  metadata = 0;

  count(req: Pick<IncomingMessage, 'method' | 'url' | 'headers'>): void {
    const { container, operation } = classifyCosmosRequest(req);
    if (operation === 'metadata' || container === undefined) {
      this.metadata++;
      return;
    }
    const counts = (this.byContainer[container] ??= { reads: 0, writes: 0, queries: 0, queryPlans: 0 });
    if (operation === 'read') counts.reads++;
    else if (operation === 'write') counts.writes++;
    else if (operation === 'query') counts.queries++;
    else counts.queryPlans++;
  }

  /** All containers together. */
  total(): ContainerOperations {
    const total: ContainerOperations = { reads: 0, writes: 0, queries: 0, queryPlans: 0 };
    for (const c of Object.values(this.byContainer)) {
      total.reads += c.reads;
      total.writes += c.writes;
      total.queries += c.queries;
      total.queryPlans += c.queryPlans;
    }
    return total;
  }
}
