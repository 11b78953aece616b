import type { RunDocument } from '../../../domain/run.js';
import type { Page, Versioned } from '../../../app/ports/document-store.js';
import type { PageRequest, RunQueries } from '../../../app/runs/run-store.js';

interface Order {
  key(run: RunDocument): string;
  descending: boolean;
}

/** The adapter's ORDER BY of each query (adapters/cosmos/cosmos-run-queries.ts); ties go by id. */
const SEARCH_ORDER: Order = { key: (r) => r.queuedAt, descending: true };
const UNFINISHED_ORDER: Order = { key: (r) => r.dispatchKey, descending: false };

type Position = [key: string, id: string];

const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function compare(order: Order, a: Position, b: Position): number {
  const byKey = compareStrings(a[0], b[0]);
  return (order.descending ? -byKey : byKey) || compareStrings(a[1], b[1]);
}

function pageOf(all: Page<Versioned<RunDocument>>, order: Order, request: PageRequest, pageSize: number): Page<Versioned<RunDocument>> {
  const positionOf = (run: RunDocument): Position => [order.key(run), run.id];
  const sorted = [...all.items].sort((a, b) => compare(order, positionOf(a), positionOf(b)));
  const after = request.continuationToken === undefined ? undefined : (JSON.parse(request.continuationToken) as Position);
  const rest = after ? sorted.filter((run) => compare(order, positionOf(run), after) > 0) : sorted;
  const items = rest.slice(0, pageSize);
  const last = items.at(-1);
  return rest.length > pageSize && last ? { items, continuationToken: JSON.stringify(positionOf(last)) } : { items };
}

/**
 * `queries` with `search` and `unfinished` answered `pageSize` runs at a time whatever page size the caller asks (as
 * Cosmos may cut a page short). As a Cosmos ORDER BY continuation does, the token holds the sort position of the last
 * run served: the next page is read afresh from there, so a run that left the result meanwhile skips no other.
 */
export function pagedRunQueries(queries: RunQueries, pageSize: number): RunQueries {
  const everything = { pageSize: Number.MAX_SAFE_INTEGER };
  return {
    ...queries,
    search: async (environmentId, filter, page) => pageOf(await queries.search(environmentId, filter, everything), SEARCH_ORDER, page, pageSize),
    unfinished: async (environmentId, page) => pageOf(await queries.unfinished(environmentId, everything), UNFINISHED_ORDER, page, pageSize),
  };
}
