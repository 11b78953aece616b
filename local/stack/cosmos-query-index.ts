/**
 * An index for the local Cosmos peer (@vercel/cosmosdb-server), kept on its writes, so that the queries the planning
 * round and a submit issue (COUNT and TOP n … ORDER BY over `environmentId`, `type`, `groupId`, `state`, `priority`)
 * read the matching documents only, as Azure Cosmos DB answers them from its indexes, instead of every document of
 * the container. Every document is filed under its tuple of those fields (equality); within a tuple, the entries are
 * also kept sorted by each field a query has ordered by (`dispatchKey`, `queuedAt`, `endedAt`, `at`, `createdAt`: a
 * range index), so that `TOP n … ORDER BY` (or the first page of an ordered list) hands the peer's evaluation only
 * the first n of each tuple, ties included, not the whole queue. The answers are the scan's: the index only narrows
 * the documents handed to the peer's own query evaluation (in the container's order), and a COUNT whose every
 * condition is indexed is the number of documents the index holds for it. A condition the index cannot read exactly
 * goes to the scan unchanged (tests/unit/local/cosmos-query-index.test.ts compares both, page by page, on random
 * documents under random writes).
 */

/** The fields indexed: every document is filed under its tuple of their values. */
export const INDEXED_FIELDS = ['environmentId', 'type', 'groupId', 'state', 'priority'] as const;

type Doc = Record<string, unknown> & { _rid: string };
interface Entry {
  doc: Doc;
  /** the document's place in the container's order (the peer's Map: a replace deletes and appends) */
  seq: number;
}
interface Tuple {
  values: unknown[];
  entries: Map<string, Entry>;
  /** per field a query ordered by: the tuple's entries by (value, seq), kept from the first such query on */
  orders: Map<string, Ordered>;
}
/** A tuple's entries whose value of the field is a string, by (value, seq); `others` counts the rest (kept out). */
interface Ordered {
  entries: Entry[];
  others: number;
}

/** The peer's compiled query (@zeit/cosmosdb-query): its syntax tree and its evaluation over an array of documents. */
export interface CompiledQuery {
  ast: { body: SelectQuery };
  exec(documents: Doc[], options: QueryOptions): { result: unknown[]; continuation: unknown };
}
export interface QueryOptions {
  parameters?: Array<{ name: string; value: unknown }> | undefined;
  maxItemCount?: number | undefined;
  continuation?: unknown;
  [option: string]: unknown;
}

interface Node {
  type: string;
  [key: string]: unknown;
}
interface SelectQuery extends Node {
  top: Node | null;
  select: Node;
  from: Node;
  where: { condition: Node } | null;
  orderBy: { expressions: Array<{ expression: Node; order: 'ASC' | 'DESC' }> } | null;
}

/** A WHERE read as a conjunction: indexed conditions (field ∈ set of strings) and whether anything else remains. */
interface Conditions {
  indexed: Map<number, Set<string>>;
  residual: boolean;
}

export class QueryIndex {
  readonly #tuples = new Map<string, Tuple>();
  readonly #tupleOf = new Map<string, string>();
  readonly #seqOf = new Map<string, number>();
  #seq = 0;

  /** The peer's `_set`: a new rid goes last, a rid already held keeps its place (as `Map.set` does). */
  set(doc: Doc): void {
    const rid = doc._rid;
    const seq = this.#seqOf.get(rid) ?? ++this.#seq;
    this.remove(rid);
    this.#seqOf.set(rid, seq);
    const values = INDEXED_FIELDS.map((f) => doc[f]);
    const key = JSON.stringify(values.map((v) => (v === undefined ? { undefined: true } : v)));
    let tuple = this.#tuples.get(key);
    if (!tuple) this.#tuples.set(key, (tuple = { values, entries: new Map(), orders: new Map() }));
    const entry = { doc, seq };
    tuple.entries.set(rid, entry);
    for (const [field, ordered] of tuple.orders) insertOrdered(ordered, field, entry);
    this.#tupleOf.set(rid, key);
  }

  remove(rid: string): void {
    const key = this.#tupleOf.get(rid);
    this.#seqOf.delete(rid);
    if (key === undefined) return;
    this.#tupleOf.delete(rid);
    const tuple = this.#tuples.get(key);
    const entry = tuple?.entries.get(rid);
    if (!tuple || !entry) return;
    tuple.entries.delete(rid);
    for (const [field, ordered] of tuple.orders) removeOrdered(ordered, field, entry);
    if (tuple.entries.size === 0) this.#tuples.delete(key);
  }

  /**
   * The query's answer from the index, or undefined: the scan answers it. `scope`: the partition key values the
   * request names (field, value); the index answers only a query whose conditions pin each of them to that one value,
   * since it holds every partition's documents.
   */
  answer(
    query: CompiledQuery,
    options: QueryOptions,
    scope: ReadonlyArray<{ field: string; value: unknown }> = [],
  ): { result: unknown[]; continuation: unknown } | undefined {
    const matched = this.#matching(query, options, scope);
    if (matched === undefined) return undefined;
    const { body, alias, parameters, conditions, tuples } = matched;

    if (isCountOne(body) && !conditions.residual) {
      const count = tuples.reduce((n, t) => n + t.entries.size, 0);
      const shape = query.exec([], options);
      return { ...shape, result: [count] };
    }
    const continued = options.continuation !== undefined && options.continuation !== null;
    const rows = continued || conditions.residual ? undefined : rowsNeeded(body, parameters, options.maxItemCount);
    const order = singleOrder(body, alias);
    const first = rows === undefined || order === undefined ? undefined : firstByOrder(tuples, order.field, order.descending, rows);
    // without a narrowing by order, every document of the tuples: the evaluation's rows, and so its pages and
    // continuations, are the scan's
    const entries = first ?? tuples.flatMap((t) => [...t.entries.values()]);
    return query.exec(inContainerOrder(entries), options);
  }

  /**
   * The tuples a query's indexed conditions select, with what the caller reads further; undefined when the query is not
   * `FROM c WHERE` with at least one indexed condition, or does not pin the partition key values of `scope`.
   */
  #matching(query: CompiledQuery, options: QueryOptions, scope: ReadonlyArray<{ field: string; value: unknown }>) {
    const body = query.ast.body;
    const alias = collectionAlias(body);
    if (alias === undefined || body.where === null) return undefined;
    const parameters = new Map((options.parameters ?? []).map((p) => [p.name, p.value]));
    const conditions = readConditions(body.where.condition, alias, parameters);
    if (conditions === undefined || conditions.indexed.size === 0) return undefined;
    const pinned = ({ field, value }: { field: string; value: unknown }) => {
      const allowed = conditions.indexed.get(INDEXED_FIELDS.indexOf(field as (typeof INDEXED_FIELDS)[number]));
      return allowed?.size === 1 && typeof value === 'string' && allowed.has(value);
    };
    if (!scope.every(pinned)) return undefined;
    const tuples = [...this.#tuples.values()].filter((t) =>
      [...conditions.indexed].every(([i, allowed]) => typeof t.values[i] === 'string' && allowed.has(t.values[i])),
    );
    return { body, alias, parameters, conditions, tuples };
  }

  /**
   * The tuples of documents a query's WHERE selects, when every condition is indexed (what a GROUP BY over indexed
   * fields reads: its counts, and MIN and MAX from each tuple's kept order, not from every document); undefined otherwise.
   */
  tuplesMatching(query: CompiledQuery, options: QueryOptions, scope: ReadonlyArray<{ field: string; value: unknown }>): TupleFound[] | undefined {
    const matched = this.#matching(query, options, scope);
    if (matched === undefined || matched.conditions.residual) return undefined;
    return matched.tuples.map((t) => ({
      values: Object.fromEntries(INDEXED_FIELDS.map((f, i) => [f, t.values[i]])),
      count: t.entries.size,
      range: (field: string) => {
        const ordered = orderedOf(t, field);
        const defined = ordered.entries.length;
        if (ordered.others > 0 || defined === 0) return undefined;
        return { defined, first: ordered.entries[0]?.doc[field] as string, last: ordered.entries[defined - 1]?.doc[field] as string };
      },
    }));
  }
}

/** A tuple of the index matching a query's WHERE: its indexed values, its documents and their values of a field. */
export interface TupleFound {
  /** the tuple's value of each of INDEXED_FIELDS */
  values: Record<string, unknown>;
  count: number;
  /** the first and last value of the field among the tuple's documents, when every one of them has a string there (undefined otherwise) */
  range(field: string): { defined: number; first: string; last: string } | undefined;
}

/** Whether a function is called anywhere under the node: an aggregate reads every row, not the first n. */
function callsAFunction(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(callsAFunction);
  if (typeof node !== 'object' || node === null) return false;
  if ((node as Node).type === 'scalar_function_expression') return true;
  return Object.values(node).some(callsAFunction);
}

function inContainerOrder(entries: Entry[]): Doc[] {
  return entries.sort((a, b) => a.seq - b.seq).map((e) => e.doc);
}

/**
 * How many of the sorted rows decide the answer: TOP n's n, and with a page size m the first m + 1 (the page and
 * the row its continuation names); undefined when all of them may.
 */
function rowsNeeded(body: SelectQuery, parameters: Map<string, unknown>, maxItemCount: number | undefined): number | undefined {
  const top = topOf(body, parameters);
  if ((body.top !== null && top === undefined) || callsAFunction(body.select)) return undefined;
  const page = maxItemCount !== undefined && maxItemCount > 0 ? maxItemCount + 1 : undefined;
  if (top === undefined) return page;
  return page === undefined ? top : Math.min(top, page);
}

/**
 * The entries that can be among the first `rows` by `field` over the tuples: each tuple's first `rows` in its kept
 * order, and every entry tying with the last of them, so that the peer's sort over them (value, then `_rid`) gives
 * the scan's first `rows`. Only when every value is a string (one type, compared with `<` as the peer compares
 * strings); otherwise undefined (all documents).
 */
function firstByOrder(tuples: Tuple[], field: string, descending: boolean, rows: number): Entry[] | undefined {
  const picked: Entry[] = [];
  for (const t of tuples) {
    const ordered = orderedOf(t, field);
    if (ordered.others > 0) return undefined;
    const list = ordered.entries;
    const n = Math.min(rows, list.length);
    if (n === 0) continue;
    let [from, to] = descending ? [list.length - n, list.length] : [0, n];
    if (descending) {
      const last = valueAt(list, from, field);
      while (from > 0 && valueAt(list, from - 1, field) === last) from--;
    } else {
      const last = valueAt(list, to - 1, field);
      while (to < list.length && valueAt(list, to, field) === last) to++;
    }
    for (let i = from; i < to; i++) picked.push(list[i] as Entry);
  }
  return picked;
}

function valueAt(list: Entry[], i: number, field: string): unknown {
  return list[i]?.doc[field];
}

/** The tuple's entries in order of `field`, sorted on the first query that asks and kept on every write after. */
function orderedOf(tuple: Tuple, field: string): Ordered {
  let ordered = tuple.orders.get(field);
  if (!ordered) {
    ordered = { entries: [], others: 0 };
    for (const e of tuple.entries.values()) {
      if (typeof e.doc[field] === 'string') ordered.entries.push(e);
      else ordered.others++;
    }
    ordered.entries.sort((a, b) => compareEntries(a, b, field));
    tuple.orders.set(field, ordered);
  }
  return ordered;
}

function compareEntries(a: Entry, b: Entry, field: string): number {
  const [x, y] = [a.doc[field] as string, b.doc[field] as string];
  return x < y ? -1 : x > y ? 1 : a.seq - b.seq;
}

/** The first place in the list whose entry sorts at or after `entry`. */
function placeOf(list: Entry[], field: string, entry: Entry): number {
  let [low, high] = [0, list.length];
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareEntries(list[mid] as Entry, entry, field) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

function insertOrdered(ordered: Ordered, field: string, entry: Entry): void {
  if (typeof entry.doc[field] === 'string') ordered.entries.splice(placeOf(ordered.entries, field, entry), 0, entry);
  else ordered.others++;
}

function removeOrdered(ordered: Ordered, field: string, entry: Entry): void {
  if (typeof entry.doc[field] !== 'string') ordered.others--;
  else {
    const at = placeOf(ordered.entries, field, entry);
    if (ordered.entries[at] === entry) ordered.entries.splice(at, 1);
  }
}

/** `FROM c` (no join, no IN, no subquery): its alias. */
function collectionAlias(body: SelectQuery): string | undefined {
  const source = body.from.source as Node | undefined;
  if (body.type !== 'select_query' || (body.from.joins as unknown[] | undefined)?.length !== 0 || source?.type !== 'from_source') return undefined;
  const expression = source.expression as Node;
  const inner = expression.expression as Node | undefined;
  if (expression.type !== 'collection_expression' || inner?.type !== 'identifier') return undefined;
  const alias = source.alias as Node | null;
  return alias === null ? (inner.name as string) : alias.type === 'identifier' ? (alias.name as string) : undefined;
}

/** `c.field` with a plain identifier: the field's name; undefined for anything else. */
function memberField(node: Node, alias: string): string | undefined {
  if (node.type !== 'scalar_member_expression' || node.computed !== false) return undefined;
  const object = node.object as Node;
  const property = node.property as Node;
  if (object.type !== 'identifier' || object.name !== alias || property.type !== 'identifier') return undefined;
  return property.name as string;
}

/** A string constant or a parameter whose value is a string; undefined for anything else. */
function stringValue(node: Node, parameters: Map<string, unknown>): string | undefined {
  if (node.type === 'string_constant') return node.value as string;
  if (node.type === 'parameter_name') {
    const value = parameters.get(node.name as string);
    return typeof value === 'string' ? value : undefined;
  }
  return undefined;
}

function readConditions(condition: Node, alias: string, parameters: Map<string, unknown>): Conditions | undefined {
  const conjuncts: Node[] = [];
  const flatten = (n: Node) => {
    if (n.type === 'scalar_binary_expression' && n.operator === 'AND') {
      flatten(n.left as Node);
      flatten(n.right as Node);
    } else conjuncts.push(n);
  };
  flatten(condition);
  const indexed = new Map<number, Set<string>>();
  let residual = false;
  const restrict = (field: string | undefined, allowed: string[]): boolean => {
    const i = INDEXED_FIELDS.indexOf(field as (typeof INDEXED_FIELDS)[number]);
    if (i < 0) return false;
    const before = indexed.get(i);
    indexed.set(i, new Set(before ? allowed.filter((v) => before.has(v)) : allowed));
    return true;
  };
  for (const c of conjuncts) {
    if (c.type === 'scalar_binary_expression' && c.operator === '=') {
      const [left, right] = [c.left as Node, c.right as Node];
      const fieldLeft = memberField(left, alias);
      const field = fieldLeft ?? memberField(right, alias);
      const value = stringValue(fieldLeft === undefined ? left : right, parameters);
      if (value !== undefined && restrict(field, [value])) continue;
    } else if (c.type === 'scalar_in_expression') {
      const values = (c.list as Node[]).map((n) => stringValue(n, parameters));
      if (values.every((v): v is string => v !== undefined) && restrict(memberField(c.value as Node, alias), values)) continue;
    }
    residual = true;
  }
  return { indexed, residual };
}

/** `SELECT VALUE COUNT(1)` (the literal 1, no TOP, no ORDER BY). */
function isCountOne(body: SelectQuery): boolean {
  const value = body.select.value as Node | undefined;
  if (body.top !== null || body.orderBy !== null || value?.type !== 'scalar_function_expression') return false;
  const name = value.name as Node;
  const args = value.arguments as Node[];
  return name.name === 'COUNT' && args.length === 1 && args[0]?.type === 'number_constant' && args[0].value === 1;
}

function topOf(body: SelectQuery, parameters: Map<string, unknown>): number | undefined {
  const value = body.top?.value as Node | undefined;
  if (value === undefined) return undefined;
  const n = value.type === 'number_constant' ? value.value : value.type === 'parameter_name' ? parameters.get(value.name as string) : undefined;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}

function singleOrder(body: SelectQuery, alias: string): { field: string; descending: boolean } | undefined {
  const expressions = body.orderBy?.expressions;
  if (expressions?.length !== 1) return undefined;
  const [only] = expressions;
  const field = only ? memberField(only.expression, alias) : undefined;
  return field === undefined || !only ? undefined : { field, descending: only.order === 'DESC' };
}
