/**
 * GROUP BY for the local Cosmos peer, whose query engine (@zeit/cosmosdb-query) has none, served to the SDK the way
 * Azure Cosmos DB serves a GROUP BY that may span partitions:
 * 1. the query sent as is is refused with a 400 "Cross partition query only supports 'VALUE <AggregateFunc>' for
 *    aggregates", the message @azure/cosmos reads as "needs the query plan" (`QueryIterator.needsQueryPlan`);
 * 2. its query plan request (`x-ms-cosmos-is-query-plan-request`) is answered with the plan the service gives: the
 *    group-by expressions, each select alias with its aggregate, and the rewritten query
 *    `SELECT [{"item": c.a}] AS groupByItems, {"a": c.a, "n": {"item": COUNT(1)}} AS payload FROM c … GROUP BY c.a`
 *    (the shape of the service's plans in the .NET SDK's query plan baselines, Azure/azure-cosmos-dotnet-v3
 *    `QueryPlanBaselineTests`; MIN and MAX as `{"item": {"min": MIN(x), "count": COUNT(x)}}`, as its MinMaxAggregator
 *    and the JS SDK's `MinAggregator` read them);
 * 3. the rewritten query, sent by the SDK to each partition key range, is answered with one row per group, which the
 *    SDK merges (`GroupByEndpointComponent`).
 * What it serves: `SELECT` of group-by paths and `COUNT(1)`, `COUNT`, `MIN`, `MAX`, `SUM` of a path, each aggregate
 * with its alias, `FROM <alias>`, an optional `WHERE` the peer evaluates, `GROUP BY` of paths. Anything else with a
 * GROUP BY (VALUE, TOP, DISTINCT, ORDER BY, OFFSET, expressions, MIN/MAX over values of mixed types) is refused with a
 * 400 that says the local peer does not implement it.
 */

export type AggregateKind = 'Count' | 'Min' | 'Max' | 'Sum';

export interface GroupBySelect {
  alias: string;
  /** a group-by path (`undefined` aggregate) or an aggregate of a path (`undefined` path: COUNT(1)) */
  aggregate?: AggregateKind;
  path?: string[];
}

export interface GroupByQuery {
  /** the collection alias of `FROM` */
  from: string;
  where?: string;
  groupBy: string[][];
  select: GroupBySelect[];
}

export class GroupByNotImplemented extends Error {}

const SHAPE = /^\s*SELECT\s+(?<select>.+?)\s+FROM\s+(?<from>[A-Za-z_]\w*)(?:\s+WHERE\s+(?<where>.+?))?\s+GROUP\s+BY\s+(?<groupBy>.+?)\s*$/is;
const AGGREGATES: Record<string, AggregateKind> = { COUNT: 'Count', MIN: 'Min', MAX: 'Max', SUM: 'Sum' };

export function hasGroupBy(sql: string): boolean {
  return /\bGROUP\s+BY\b/i.test(sql);
}

/** The GROUP BY query's parts, or a GroupByNotImplemented naming what the local peer does not serve. */
export function parseGroupBy(sql: string): GroupByQuery {
  const m = SHAPE.exec(sql);
  const parts = m?.groups;
  if (!parts?.select || !parts.from || !parts.groupBy) throw refusal('its form');
  if (/^(VALUE|DISTINCT|TOP)\b/i.test(parts.select.trim())) throw refusal('SELECT VALUE, DISTINCT or TOP');
  if (/\b(ORDER\s+BY|OFFSET|LIMIT|JOIN)\b/i.test(parts.groupBy) || /\bGROUP\s+BY\b/i.test(parts.where ?? '')) throw refusal('ORDER BY, OFFSET, JOIN');
  const from = parts.from;
  const pathOf = (text: string): string[] | undefined => {
    const path = text.trim().split('.');
    return path.length > 1 && path[0] === from && path.slice(1).every((p) => /^[A-Za-z_]\w*$/.test(p)) ? path.slice(1) : undefined;
  };
  const groupBy = parts.groupBy.split(',').map((text) => pathOf(text) ?? throwRefusal(`GROUP BY ${text.trim()}`));
  const select = parts.select.split(',').map((item): GroupBySelect => {
    const [, expression = '', alias] = /^\s*(.+?)(?:\s+AS\s+([A-Za-z_]\w*))?\s*$/is.exec(item) ?? [];
    const call = /^([A-Za-z]+)\s*\(\s*(.+?)\s*\)$/.exec(expression);
    if (call) {
      const aggregate = AGGREGATES[(call[1] ?? '').toUpperCase()];
      if (aggregate === undefined || alias === undefined) throw refusal(`${expression} (an aggregate of COUNT, MIN, MAX, SUM with an alias)`);
      if (call[2] === '1' && aggregate === 'Count') return { alias, aggregate };
      return { alias, aggregate, path: pathOf(call[2] ?? '') ?? throwRefusal(expression) };
    }
    const path = pathOf(expression);
    if (!path || !groupBy.some((g) => g.join('.') === path.join('.'))) throw refusal(`${expression} (a selected path that is not grouped by)`);
    return { alias: alias ?? path[path.length - 1] ?? '', path };
  });
  return { from, ...(parts.where === undefined ? {} : { where: parts.where }), groupBy, select };
}

function refusal(what: string): GroupByNotImplemented {
  return new GroupByNotImplemented(`GROUP BY with ${what} is not implemented by the local Cosmos peer.`);
}

function throwRefusal(what: string): never {
  throw refusal(what);
}

const pathText = (from: string, path: readonly string[]) => [from, ...path].join('.');

/** The query the SDK sends to each partition key range, as the service's plan rewrites it. */
export function rewrittenQueryOf(q: GroupByQuery): string {
  const items = q.groupBy.map((p) => `{"item": ${pathText(q.from, p)}}`).join(', ');
  const payload = q.select
    .map(({ alias, aggregate, path }) => {
      const arg = path === undefined ? '1' : pathText(q.from, path);
      if (aggregate === undefined) return `"${alias}": ${arg}`;
      if (aggregate === 'Min' || aggregate === 'Max')
        return `"${alias}": {"item": {"${aggregate.toLowerCase()}": ${aggregate.toUpperCase()}(${arg}), "count": COUNT(${arg})}}`;
      return `"${alias}": {"item": ${aggregate.toUpperCase()}(${arg})}`;
    })
    .join(', ');
  const where = q.where === undefined ? '' : `\nWHERE ${q.where}`;
  return `SELECT [${items}] AS groupByItems, {${payload}} AS payload\nFROM ${q.from}${where}\nGROUP BY ${q.groupBy.map((p) => pathText(q.from, p)).join(', ')}`;
}

/** The query plan the service answers for the query (`PartitionedQueryExecutionInfo`, version 2), over every range. */
export function queryPlanOf(q: GroupByQuery): object {
  return {
    partitionedQueryExecutionInfoVersion: 2,
    queryInfo: {
      distinctType: 'None',
      top: null,
      offset: null,
      limit: null,
      orderBy: [],
      orderByExpressions: [],
      groupByExpressions: q.groupBy.map((p) => pathText(q.from, p)),
      groupByAliases: q.select.map((s) => s.alias),
      aggregates: [],
      groupByAliasToAggregateType: Object.fromEntries(q.select.map((s) => [s.alias, s.aggregate ?? null])),
      rewrittenQuery: rewrittenQueryOf(q),
      hasSelectValue: false,
      dCountInfo: null,
      hasNonStreamingOrderBy: false,
    },
    queryRanges: [{ min: '', max: 'FF', isMinInclusive: true, isMaxInclusive: false }],
  };
}

/** One group as the evaluation found it: the values it is grouped by, its count, and per aggregated path its values. */
export interface GroupFound {
  keys: unknown[];
  count: number;
  /** per select alias of an aggregate of a path: the number of its defined values, their min, max and sum */
  of: Map<string, { defined: number; min?: unknown; max?: unknown; sum?: number }>;
}

/** The rows the rewritten query answers with, from the groups found. */
export function rowsOf(q: GroupByQuery, groups: readonly GroupFound[]): object[] {
  return groups.map((g) => {
    const payload: Record<string, unknown> = {};
    for (const s of q.select) {
      if (s.aggregate === undefined) {
        payload[s.alias] = g.keys[q.groupBy.findIndex((p) => p.join('.') === s.path?.join('.'))];
        continue;
      }
      const values = s.path === undefined ? { defined: g.count } : (g.of.get(s.alias) ?? { defined: 0 });
      if (s.aggregate === 'Count') payload[s.alias] = { item: values.defined };
      else if (s.aggregate === 'Sum') payload[s.alias] = values.defined === 0 ? {} : { item: values.sum };
      else
        payload[s.alias] = {
          item: { ...(values.defined === 0 ? {} : { [s.aggregate.toLowerCase()]: s.aggregate === 'Min' ? values.min : values.max }), count: values.defined },
        };
    }
    return { groupByItems: g.keys.map((item) => (item === undefined ? {} : { item })), payload };
  });
}

/** Values of an aggregated path, one document's or a run of documents' (an index tuple's): how many, their ends, their sum. */
export interface PathValues {
  defined: number;
  min?: unknown;
  max?: unknown;
  sum?: number;
}

/** The groups found so far, by their keys, each with its count and the values of each aggregated path. */
export class Groups {
  readonly #groups = new Map<string, GroupFound>();

  /** The group of these keys, `count` documents more. */
  add(keys: unknown[], count: number): GroupFound {
    const id = JSON.stringify(keys.map((k) => (k === undefined ? { undefined: true } : k)));
    let group = this.#groups.get(id);
    if (!group) this.#groups.set(id, (group = { keys, count: 0, of: new Map() }));
    group.count += count;
    return group;
  }

  /** More values of the path a select aggregates: MIN and MAX keep their end, SUM its total, all their number. */
  addValues(group: GroupFound, s: GroupBySelect, values: PathValues): void {
    const seen = group.of.get(s.alias) ?? { defined: 0 };
    seen.defined += values.defined;
    if (s.aggregate === 'Sum') seen.sum = (seen.sum ?? 0) + (values.sum ?? 0);
    if (s.aggregate === 'Min' && (seen.min === undefined || compare(values.min, seen.min) < 0)) seen.min = values.min;
    if (s.aggregate === 'Max' && (seen.max === undefined || compare(values.max, seen.max) > 0)) seen.max = values.max;
    group.of.set(s.alias, seen);
  }

  list(): GroupFound[] {
    return [...this.#groups.values()];
  }
}

/** Groups the documents (the WHERE applied already) by the query's paths, with its aggregates: the scan's answer. */
export function groupDocuments(q: GroupByQuery, documents: Iterable<Record<string, unknown>>): GroupFound[] {
  const groups = new Groups();
  for (const doc of documents) {
    const group = groups.add(
      q.groupBy.map((p) => valueAt(doc, p)),
      1,
    );
    for (const s of q.select) {
      if (s.aggregate === undefined || s.path === undefined) continue;
      const value = valueAt(doc, s.path);
      if (value === undefined) continue;
      if (s.aggregate === 'Sum' && typeof value !== 'number') throw refusal(`SUM of a value that is not a number`);
      groups.addValues(group, s, { defined: 1, min: value, max: value, ...(typeof value === 'number' ? { sum: value } : {}) });
    }
  }
  return groups.list();
}

function valueAt(doc: Record<string, unknown>, path: readonly string[]): unknown {
  let value: unknown = doc;
  for (const p of path) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[p] : undefined;
  return value;
}

/** MIN and MAX over strings or over numbers: values of mixed types (which Cosmos orders by type) are refused. */
function compare(a: unknown, b: unknown): number {
  if (typeof a !== typeof b || (typeof a !== 'string' && typeof a !== 'number'))
    throw refusal('MIN or MAX over values of mixed types or not strings or numbers');
  return (a as string | number) < (b as string | number) ? -1 : (a as string | number) > (b as string | number) ? 1 : 0;
}
