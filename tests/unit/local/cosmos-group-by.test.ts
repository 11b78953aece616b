import { describe, expect, it, vi } from 'vitest';
import { UNFINISHED_BY_GROUP_SQL } from '../../../adapters/cosmos/cosmos-run-counts.js';
import {
  GroupByNotImplemented,
  groupDocuments,
  parseGroupBy,
  queryPlanOf,
  rewrittenQueryOf,
  rowsOf,
  type GroupFound,
} from '../../../local/stack/cosmos-group-by.js';
import { QueryIndex } from '../../../local/stack/cosmos-query-index.js';
import { groupsOf, speedUpPeerQueries } from '../../../local/stack/cosmos-query-speedup.js';
import { aRandomDocument, newDocuments, pick, random, type Doc, type PeerDocuments } from '../../support/peer-documents.js';

speedUpPeerQueries();

const QUERIES = [
  UNFINISHED_BY_GROUP_SQL,
  'SELECT c.groupId, COUNT(1) AS n FROM c WHERE c.environmentId = @env AND c.state = @state GROUP BY c.groupId',
  'SELECT c.state, c.priority, MIN(c.dispatchKey) AS lo, MAX(c.dispatchKey) AS hi, COUNT(c.dispatchKey) AS keyed FROM c WHERE c.environmentId = @env GROUP BY c.state, c.priority',
  // a condition the index does not hold, a grouping by a field it does not hold: the scan's answer
  "SELECT c.groupId, COUNT(1) AS n, MIN(c.queuedAt) AS first FROM c WHERE c.environmentId = @env AND c.botId = 'b1' GROUP BY c.groupId",
  'SELECT c.botId, COUNT(1) AS n FROM c WHERE c.environmentId = @env AND c.type = @type GROUP BY c.botId',
];

/** The peer's own evaluation of the WHERE over every document (the method the index stands in front of), grouped. */
function scanned(documents: PeerDocuments, sql: string, parameters: Array<{ name: string; value: unknown }>): GroupFound[] {
  const q = parseGroupBy(sql);
  const items = Object.getPrototypeOf(Object.getPrototypeOf(documents)) as PeerDocuments;
  const rows = items.query.call(documents, { query: `SELECT * FROM c WHERE ${q.where ?? 'true'}`, parameters }, {}) as { result: Doc[] };
  return groupDocuments(q, rows.result);
}

const keyText = (g: GroupFound) => JSON.stringify(g.keys.map((k) => (k === undefined ? { undefined: true } : k)));
const byKeys = (groups: GroupFound[]) => [...groups].sort((a, b) => keyText(a).localeCompare(keyText(b)));

function outcome(work: () => GroupFound[]): GroupFound[] | string {
  try {
    return byKeys(work());
  } catch (err) {
    if (err instanceof GroupByNotImplemented) return err.message;
    throw err;
  }
}

describe('the local Cosmos peer: GROUP BY', () => {
  it('plans a GROUP BY as the service does (the .NET SDK’s query plan baseline for SELECT c.id FROM c GROUP BY c.id)', () => {
    const plan = queryPlanOf(parseGroupBy('SELECT c.id FROM c GROUP BY c.id')) as { queryInfo: Record<string, unknown> };
    expect(plan.queryInfo).toEqual({
      distinctType: 'None',
      top: null,
      offset: null,
      limit: null,
      orderBy: [],
      orderByExpressions: [],
      groupByExpressions: ['c.id'],
      groupByAliases: ['id'],
      aggregates: [],
      groupByAliasToAggregateType: { id: null },
      rewrittenQuery: 'SELECT [{"item": c.id}] AS groupByItems, {"id": c.id} AS payload\nFROM c\nGROUP BY c.id',
      hasSelectValue: false,
      dCountInfo: null,
      hasNonStreamingOrderBy: false,
    });
  });

  it('rewrites the aggregates into the payload the SDK merges: COUNT and SUM as items, MIN and MAX with their count', () => {
    const q = parseGroupBy('SELECT c.a, COUNT(1) AS n, SUM(c.x) AS total, MIN(c.k) AS lo FROM c WHERE c.e = @e GROUP BY c.a');
    expect(rewrittenQueryOf(q)).toBe(
      'SELECT [{"item": c.a}] AS groupByItems, {"a": c.a, "n": {"item": COUNT(1)}, "total": {"item": SUM(c.x)}, "lo": {"item": {"min": MIN(c.k), "count": COUNT(c.k)}}} AS payload\nFROM c\nWHERE c.e = @e\nGROUP BY c.a',
    );
    const groups = groupDocuments(q, [{ a: 'p', x: 2, k: 'b' }, { a: 'p', x: 3, k: 'a' }, { a: 'q', k: 'z' }, { x: 1 }]);
    expect(rowsOf(q, groups)).toEqual([
      { groupByItems: [{ item: 'p' }], payload: { a: 'p', n: { item: 2 }, total: { item: 5 }, lo: { item: { min: 'a', count: 2 } } } },
      { groupByItems: [{ item: 'q' }], payload: { a: 'q', n: { item: 1 }, total: {}, lo: { item: { min: 'z', count: 1 } } } },
      { groupByItems: [{}], payload: { a: undefined, n: { item: 1 }, total: { item: 1 }, lo: { item: { count: 0 } } } },
    ]);
  });

  it('refuses, saying so, what it does not implement', () => {
    for (const sql of [
      'SELECT VALUE c.a FROM c GROUP BY c.a',
      'SELECT TOP 1 c.a FROM c GROUP BY c.a',
      'SELECT c.a, COUNT(1) FROM c GROUP BY c.a',
      'SELECT c.b FROM c GROUP BY c.a',
      'SELECT c.a, AVG(c.x) AS m FROM c GROUP BY c.a',
      'SELECT c.a FROM c GROUP BY c.a ORDER BY c.a',
      'SELECT c.a FROM c GROUP BY LOWER(c.a)',
    ]) {
      expect(() => parseGroupBy(sql), sql).toThrow(/not implemented by the local Cosmos peer/);
    }
    expect(() =>
      groupDocuments(parseGroupBy('SELECT c.a, MIN(c.x) AS m FROM c GROUP BY c.a'), [
        { a: 1, x: 'b' },
        { a: 1, x: 2 },
      ]),
    ).toThrow(GroupByNotImplemented);
  });

  it('answers from its index as the scan does, on random documents under random writes', () => {
    const fromIndex = vi.spyOn(QueryIndex.prototype, 'tuplesMatching');
    let compared = 0;
    for (const seed of [11, 12, 13, 14, 15, 16]) {
      const rnd = random(seed);
      const documents = newDocuments(`groups${seed}`);
      const live = new Map<string, Doc>();
      for (let step = 0; step < 300; step++) {
        const id = `d${Math.floor(rnd() * 120)}`;
        const existing = live.get(id);
        if (!existing) live.set(id, documents.create(aRandomDocument(rnd, id)));
        else if (rnd() < 0.5) live.set(id, documents.replace({ ...aRandomDocument(rnd, id), environmentId: existing.environmentId }, existing));
        else {
          documents.delete(id, existing.environmentId);
          live.delete(id);
        }
        if (step % 3 !== 0) continue;
        const sql = pick(rnd, QUERIES);
        const parameters = [
          { name: '@env', value: pick(rnd, ['e1', 'e2', 'e3']) },
          { name: '@state', value: pick(rnd, ['Queued', 'Running']) },
          { name: '@type', value: pick(rnd, ['run', 'bot']) },
        ];
        const expected = outcome(() => scanned(documents, sql, parameters));
        expect(
          outcome(() => groupsOf(documents, parseGroupBy(sql), parameters)),
          `seed ${seed} step ${step}: ${sql} ${JSON.stringify(parameters)}`,
        ).toEqual(expected);
        compared++;
      }
    }
    expect(compared).toBe(600);
    // the index answered most of those it may answer, without handing them to the scan
    expect(fromIndex.mock.results.filter((r) => r.value !== undefined).length).toBeGreaterThan(150);
    fromIndex.mockRestore();
  });
});
