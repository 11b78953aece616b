import { describe, expect, it, vi } from 'vitest';
import { QueryIndex } from '../../../local/stack/cosmos-query-index.js';
import { speedUpPeerQueries } from '../../../local/stack/cosmos-query-speedup.js';
import { NEXT_QUEUED_SQL, QUEUED_COUNT_SQL } from '../../../adapters/cosmos/cosmos-run-queries.js';
import { aRandomDocument, newDocuments, pick, random, type Doc, type PeerDocuments } from '../../support/peer-documents.js';

/**
 * The peer's equality index (local/stack/cosmos-query-index.ts) against the peer's own full evaluation: random
 * documents written, replaced, upserted and deleted at random, then the round's and a submit's queries and random
 * conjunctions, each answered both ways. Same rows, same order, same continuation.
 */
speedUpPeerQueries();

const OF_GROUP = "SELECT VALUE COUNT(1) FROM c WHERE c.environmentId = @env AND c.type = 'run' AND c.groupId = @group AND c.state = @state";
const QUERIES = [
  QUEUED_COUNT_SQL,
  NEXT_QUEUED_SQL,
  OF_GROUP,
  `${OF_GROUP} AND c.priority = 'High'`,
  "SELECT VALUE COUNT(1) FROM c WHERE c.environmentId = @env AND c.type = 'run' AND c.state IN ('Queued', 'Running')",
  "SELECT TOP 1 * FROM c WHERE c.environmentId = @env AND c.type = 'run' AND c.groupId = @group AND c.state = 'Running' AND c.botId = @bot",
  "SELECT * FROM c WHERE c.environmentId = @env AND c.type = 'run' AND c.groupId = @group AND c.state IN ('Queued', 'Running') ORDER BY c.dispatchKey ASC",
  'SELECT TOP 3 * FROM c WHERE c.environmentId = @env AND c.state = @state ORDER BY c.dispatchKey DESC',
  "SELECT TOP @top c.id FROM c WHERE @group = c.groupId AND c.state IN ('Queued', @state) ORDER BY c.dispatchKey",
  "SELECT VALUE COUNT(1) FROM c WHERE c.environmentId = @env AND c.groupId = @group AND c.groupId = 'g2'",
  "SELECT VALUE COUNT(1) FROM c WHERE c.environmentId = @env AND (c.state = 'Queued' OR c.state = 'Running')",
  "SELECT VALUE COUNT(1) FROM c WHERE c.environmentId = @env AND c.state != 'Queued'",
  'SELECT * FROM c WHERE c.environmentId = @env AND c.type = @type',
  "SELECT c.id, c.dispatchKey FROM c WHERE c.environmentId = @env AND c.priority = 'High' ORDER BY c.dispatchKey ASC",
  'SELECT TOP 2 * FROM c WHERE c.environmentId = @env AND c.groupId = @group ORDER BY c.queuedAt DESC',
  // TOP n … ORDER BY over one tuple or several (IN), ascending and descending, on fields with ties and gaps
  "SELECT TOP @top * FROM c WHERE c.environmentId = @env AND c.type = 'run' AND c.groupId IN ('g1', 'g2', 'g3') AND c.state IN ('Queued', 'Running') ORDER BY c.dispatchKey DESC",
  "SELECT TOP @top c.id, c.queuedAt FROM c WHERE c.environmentId = @env AND c.type = 'run' AND c.state = @state ORDER BY c.queuedAt",
  'SELECT TOP @top * FROM c WHERE c.environmentId = @env AND c.groupId = @group ORDER BY c.endedAt DESC',
  "SELECT TOP @top * FROM c WHERE c.environmentId = @env AND c.state IN ('Succeeded', 'Queued') AND c.priority = 'Normal' ORDER BY c.endedAt ASC",
  // a page of an ordered list, and the pages after it (the store's list, the latest decision of a group)
  'SELECT * FROM c WHERE c.environmentId = @env AND c.type = @type ORDER BY c.queuedAt DESC',
  'SELECT * FROM c WHERE c.environmentId = @env AND c.type = @type AND c.groupId = @group ORDER BY c.dispatchKey ASC',
  // an aggregate reads every row, whatever the page size
  "SELECT VALUE MAX(c.dispatchKey) FROM c WHERE c.environmentId = @env AND c.type = 'run'",
];

function aQuery(rnd: () => number): { query: string; parameters: Array<{ name: string; value: unknown }> } {
  return {
    query: pick(rnd, QUERIES),
    parameters: [
      { name: '@env', value: pick(rnd, ['e1', 'e2', 'e3']) },
      { name: '@group', value: pick(rnd, ['g1', 'g2', 'g3', 7]) },
      { name: '@state', value: pick(rnd, ['Queued', 'Running', 'Succeeded']) },
      { name: '@bot', value: pick(rnd, ['b1', 'b2']) },
      { name: '@type', value: pick(rnd, ['run', 'bot']) },
      { name: '@top', value: pick(rnd, [0, 1, 2, 10]) },
    ],
  };
}

/** The peer's own evaluation: every document of the container (the method the index stands in front of). */
function scanned(documents: PeerDocuments, params: ReturnType<typeof aQuery>, options: { maxItemCount?: number }) {
  const items = Object.getPrototypeOf(Object.getPrototypeOf(documents)) as PeerDocuments;
  return items.query.call(documents, params, options);
}

describe('the local Cosmos peer: the equality index answers as the scan does', () => {
  it('on random documents under random writes, for the round’s and a submit’s queries and random conjunctions', () => {
    let compared = 0;
    let indexedCounts = 0;
    let pages = 0;
    const answer = vi.spyOn(QueryIndex.prototype, 'answer');
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const rnd = random(seed);
      const documents = newDocuments(`db${seed}`);
      const live = new Map<string, Doc>();
      for (let step = 0; step < 400; step++) {
        const id = `d${Math.floor(rnd() * 150)}`;
        const existing = live.get(id);
        const r = rnd();
        if (!existing) live.set(id, documents.create(aRandomDocument(rnd, id)));
        else if (r < 0.4) live.set(id, documents.replace({ ...aRandomDocument(rnd, id), environmentId: existing.environmentId }, existing));
        else if (r < 0.6) live.set(id, documents.upsert({ ...aRandomDocument(rnd, id), environmentId: existing.environmentId }));
        else if (r < 0.75) {
          documents.delete(id, existing.environmentId);
          live.delete(id);
        }
        if (step % 2 !== 0) continue;
        const params = aQuery(rnd);
        const options: { maxItemCount?: number; continuation?: unknown } = rnd() < 0.3 ? { maxItemCount: pick(rnd, [1, 2, 3]) } : {};
        // every page, each asked both ways with the scan's continuation
        for (let page = 0; ; page++) {
          const expected = scanned(documents, params, options) as { continuation?: unknown } | null;
          const byIndex = documents.query(params, options);
          expect(byIndex, `seed ${seed} step ${step} page ${page}: ${params.query} ${JSON.stringify(params.parameters)}`).toEqual(expected);
          if (!expected?.continuation) break;
          options.continuation = expected.continuation;
          pages++;
        }
        compared++;
        if (params.query.includes('COUNT')) indexedCounts++;
      }
    }
    expect(compared).toBe(1_600);
    expect(pages).toBeGreaterThan(100);
    expect(indexedCounts).toBeGreaterThan(400);
    // most of them answered by the index, not handed back to the scan
    expect(answer.mock.results.filter((r) => r.value !== undefined).length).toBeGreaterThan(1_000);
    answer.mockRestore();
  }, 120_000);

  it('still refuses what the peer does not implement (an ORDER BY on two fields without a composite index)', () => {
    const documents = newDocuments('refusals');
    documents.create({ id: 'x', environmentId: 'e1', type: 'run', state: 'Queued', a: 1, b: 2 });
    const params = { query: "SELECT * FROM c WHERE c.environmentId = 'e1' AND c.state = 'Queued' ORDER BY c.a, c.b", parameters: [] };
    expect(() => documents.query(params, {})).toThrow(/composite index/);
  });
});
