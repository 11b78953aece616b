import { CosmosClient, PartitionKeyKind, type Container } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosmosDefinitions } from '../../../app/config/infra-definitions.js';
import { startCosmosPeer, type CosmosPeer } from '../../../local/stack/cosmos-peer.js';

// GROUP BY through the real @azure/cosmos SDK against the peer: the SDK's cross-partition path (query refused, query
// plan, rewritten query per partition key range, merged by the SDK), as it runs against Azure Cosmos DB.

let peer: CosmosPeer;
let client: CosmosClient;
let runs: Container;

interface Row {
  groupId?: string;
  n: number;
  first?: string;
  last?: string;
  keyed?: number;
  total?: number;
}

const GROUPS = 23;

beforeAll(async () => {
  peer = await startCosmosPeer();
  client = new CosmosClient({ endpoint: peer.endpoint, key: peer.key, connectionPolicy: { enableEndpointDiscovery: false } });
  ({ container: runs } = await client.database(cosmosDefinitions.databaseName).containers.createIfNotExists({
    id: 'group-by',
    partitionKey: { paths: ['/environmentId', '/id'], kind: PartitionKeyKind.MultiHash, version: 2 },
  }));
  for (let i = 0; i < 70; i++) {
    await runs.items.create({
      id: `r${i}`,
      environmentId: 'e1',
      groupId: `g${i % GROUPS}`,
      state: i % 5 === 0 ? 'Running' : 'Queued',
      key: `k${100 + i}`,
      size: i,
    });
  }
  await runs.items.create({ id: 'other-env', environmentId: 'e2', groupId: 'g0', state: 'Queued', key: 'a', size: 1_000 });
  await runs.items.create({ id: 'no-group', environmentId: 'e1', state: 'Queued', size: 1 });
});

afterAll(async () => {
  client.dispose();
  await peer.close();
});

/** What the query should answer, computed here from the documents written above. */
function expected(where: (i: number) => boolean): Row[] {
  const rows = new Map<string, Row>();
  for (let i = 0; i < 70; i++) {
    if (!where(i)) continue;
    const groupId = `g${i % GROUPS}`;
    const row = rows.get(groupId) ?? { groupId, n: 0, keyed: 0, total: 0 };
    row.n++;
    row.keyed = (row.keyed ?? 0) + 1;
    row.total = (row.total ?? 0) + i;
    const key = `k${100 + i}`;
    if (row.first === undefined || key < row.first) row.first = key;
    if (row.last === undefined || key > row.last) row.last = key;
    rows.set(groupId, row);
  }
  return [...rows.values()];
}

const byGroup = (rows: Row[]) => [...rows].sort((a, b) => String(a.groupId).localeCompare(String(b.groupId)));

const SQL =
  'SELECT c.groupId, COUNT(1) AS n, MIN(c.key) AS first, MAX(c.key) AS last, COUNT(c.key) AS keyed, SUM(c.size) AS total FROM c WHERE c.environmentId = @env AND c.state = @state GROUP BY c.groupId';

describe('Cosmos peer: GROUP BY through the real @azure/cosmos SDK', () => {
  it('answers COUNT, MIN, MAX and SUM per group within the key prefix, in pages of the item count the SDK asks', async () => {
    const before = { ...peer.operations.byContainer['group-by'] };
    const { resources } = await runs.items
      .query<Row>(
        {
          query: SQL,
          parameters: [
            { name: '@env', value: 'e1' },
            { name: '@state', value: 'Queued' },
          ],
        },
        { partitionKey: ['e1'], maxItemCount: 10 },
      )
      .fetchAll();
    // the document without a group is a group of its own, without a key to take the MIN and MAX of
    expect(byGroup(resources)).toEqual(byGroup([...expected((i) => i % 5 !== 0), { n: 1, keyed: 0, total: 1 }]));
    expect(resources).toHaveLength(GROUPS + 1);
    // the query refused once, its plan, and the rewritten query's pages of 10 rows: 24 groups in 3
    const after = peer.operations.byContainer['group-by'];
    expect({ queries: (after?.queries ?? 0) - (before.queries ?? 0), plans: (after?.queryPlans ?? 0) - (before.queryPlans ?? 0) }).toEqual({
      queries: 4,
      plans: 1,
    });
  });

  it('answers from the documents where a condition is not indexed', async () => {
    const { resources } = await runs.items
      .query<Row>(
        {
          query: 'SELECT c.groupId, COUNT(1) AS n FROM c WHERE c.environmentId = @env AND c.size < 3 GROUP BY c.groupId',
          parameters: [{ name: '@env', value: 'e1' }],
        },
        { partitionKey: ['e1'], maxItemCount: 100 },
      )
      .fetchAll();
    expect(byGroup(resources)).toEqual(byGroup([{ groupId: 'g0', n: 1 }, { groupId: 'g1', n: 1 }, { groupId: 'g2', n: 1 }, { n: 1 }]));
  });

  it('answers nothing for a prefix with no documents', async () => {
    const { resources } = await runs.items
      .query<Row>(
        {
          query: SQL,
          parameters: [
            { name: '@env', value: 'e3' },
            { name: '@state', value: 'Queued' },
          ],
        },
        { partitionKey: ['e3'], maxItemCount: 10 },
      )
      .fetchAll();
    expect(resources).toEqual([]);
  });

  it('refuses, with a 400 that says so, a GROUP BY it does not implement', async () => {
    const refused = runs.items
      .query({ query: 'SELECT c.groupId, AVG(c.size) AS mean FROM c GROUP BY c.groupId' }, { partitionKey: ['e1'], maxItemCount: 10 })
      .fetchAll();
    await expect(refused).rejects.toMatchObject({ code: 400, message: expect.stringMatching(/not implemented by the local Cosmos peer/) as unknown });
  });
});
