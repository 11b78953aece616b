/**
 * An equality index for the local Cosmos peer (@vercel/cosmosdb-server), kept on its writes, so that the queries the
 * planning round and a submit issue (COUNT and TOP n … ORDER BY over `environmentId`, `type`, `groupId`, `state`,
 * `priority`) read the matching documents only, as Azure Cosmos DB answers them from its indexes, instead of every
 * document of the container. The answers are the scan's: the index only narrows the documents handed to the peer's
 * own query evaluation (in the container's order), and a COUNT whose every condition is indexed is the number of
 * documents the index holds for it. Any other query, a continuation, or a condition the index cannot read exactly
 * goes to the scan unchanged (tests/unit/local/cosmos-query-index.test.ts compares both on random documents).
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
    if (!tuple) this.#tuples.set(key, (tuple = { values, entries: new Map() }));
    tuple.entries.set(rid, { doc, seq });
    this.#tupleOf.set(rid, key);
  }

  remove(rid: string): void {
    const key = this.#tupleOf.get(rid);
    this.#seqOf.delete(rid);
    if (key === undefined) return;
    this.#tupleOf.delete(rid);
    const tuple = this.#tuples.get(key);
    tuple?.entries.delete(rid);
    if (tuple?.entries.size === 0) this.#tuples.delete(key);
  }

  /** The query's answer from the index, or undefined: the scan answers it. */
  answer(query: CompiledQuery, options: QueryOptions): { result: unknown[]; continuation: unknown } | undefined {
    if (options.continuation !== undefined && options.continuation !== null) return undefined;
    const body = query.ast.body;
    const alias = collectionAlias(body);
    if (alias === undefined || body.where === null) return undefined;
    const parameters = new Map((options.parameters ?? []).map((p) => [p.name, p.value]));
    const conditions = readConditions(body.where.condition, alias, parameters);
    if (conditions === undefined || conditions.indexed.size === 0) return undefined;
    const tuples = [...this.#tuples.values()].filter((t) =>
      [...conditions.indexed].every(([i, allowed]) => typeof t.values[i] === 'string' && allowed.has(t.values[i])),
    );

    if (isCountOne(body) && !conditions.residual) {
      const count = tuples.reduce((n, t) => n + t.entries.size, 0);
      const shape = query.exec([], options);
      return { ...shape, result: [count] };
    }
    const top = topOf(body, parameters);
    const order = singleOrder(body, alias);
    const bound = top !== undefined && order !== undefined && !conditions.residual ? topBound(tuples, order.field, order.descending, top) : undefined;
    const entries: Entry[] = [];
    for (const t of tuples)
      for (const e of t.entries.values()) if (bound === undefined || !bound.before(bound.value, e.doc[bound.field] as string)) entries.push(e);
    entries.sort((a, b) => a.seq - b.seq);
    const answer = query.exec(
      entries.map((e) => e.doc),
      options,
    );
    // a further page would carry a token of the narrowed array: the scan answers paged queries
    return answer.continuation === null || answer.continuation === undefined ? answer : undefined;
  }
}

/**
 * The `top`-th value by `field` among the tuples' documents: the documents at or before it (ties included) hold the
 * scan's first `top`, so the peer's sort over them gives the scan's answer. Only when every value is a string (one
 * type, compared with `<` as the peer compares strings) and there are more than `top`; otherwise undefined (all
 * documents). One pass keeping the best `top` values.
 */
function topBound(
  tuples: Tuple[],
  field: string,
  descending: boolean,
  top: number,
): { field: string; value: string; before: (a: string, b: string) => boolean } | undefined {
  if (top <= 0 || tuples.reduce((n, t) => n + t.entries.size, 0) <= top) return undefined;
  const before = (a: string, b: string) => (descending ? a > b : a < b);
  // the best `top` values so far, best first
  const best: string[] = [];
  for (const t of tuples)
    for (const e of t.entries.values()) {
      const v = e.doc[field];
      if (typeof v !== 'string') return undefined;
      if (best.length === top && !before(v, best[top - 1] as string)) continue;
      let at = best.length;
      while (at > 0 && before(v, best[at - 1] as string)) at--;
      best.splice(at, 0, v);
      if (best.length > top) best.pop();
    }
  return { field, value: best[top - 1] as string, before };
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
