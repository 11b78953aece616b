import { CosmosClient, type Container } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosmosDefinitions, RUNS_CONTAINER } from '../../../app/config/infra-definitions.js';
import { startCosmosPeer, type CosmosPeer } from '../../../local/stack/cosmos-peer.js';

interface Item {
  id: string;
  environmentId: string;
  n: number;
  tag?: string;
}

let peer: CosmosPeer;
let client: CosmosClient;
let container: Container;

beforeAll(async () => {
  peer = await startCosmosPeer();
  client = new CosmosClient({ endpoint: peer.endpoint, key: peer.key, connectionPolicy: { enableEndpointDiscovery: false } });
  container = client.database(cosmosDefinitions.databaseName).container('control');
});

afterAll(async () => {
  client.dispose();
  await peer.close();
});

describe('Cosmos peer through the real @azure/cosmos SDK', () => {
  it('has the database and every container of infra/definitions/cosmos.json with its partition key', async () => {
    const { resources } = await client.database(cosmosDefinitions.databaseName).containers.readAll().fetchAll();
    for (const def of cosmosDefinitions.containers) {
      const found = resources.find((c) => c.id === def.name);
      expect(found?.partitionKey?.paths).toEqual(def.partitionKeyPaths);
    }
  });

  it('counts reads, writes, queries and query plans per container, as Cosmos bills them', async () => {
    const runs = client.database(cosmosDefinitions.databaseName).container(RUNS_CONTAINER);
    await runs.items.create({ id: 'warm', environmentId: 'e9' }); // container metadata is fetched once
    const before = structuredClone(peer.operations.byContainer);
    await runs.items.create({ id: 'op1', environmentId: 'e9', n: 1 });
    await runs.item('op1', ['e9', 'op1']).read();
    await runs.item('op1', ['e9', 'op1']).replace({ id: 'op1', environmentId: 'e9', n: 2 });
    await runs.items
      .query({ query: 'SELECT TOP 1 * FROM c WHERE c.environmentId = @e ORDER BY c.n', parameters: [{ name: '@e', value: 'e9' }] }, { partitionKey: ['e9'] })
      .fetchAll();
    await runs.item('op1', ['e9', 'op1']).delete();
    const after = peer.operations.byContainer[RUNS_CONTAINER];
    const was = before[RUNS_CONTAINER] ?? { reads: 0, writes: 0, queries: 0, queryPlans: 0 };
    expect({
      reads: (after?.reads ?? 0) - was.reads,
      writes: (after?.writes ?? 0) - was.writes,
      queries: (after?.queries ?? 0) - was.queries,
      queryPlans: (after?.queryPlans ?? 0) - was.queryPlans,
    }).toEqual({
      reads: 1,
      writes: 3,
      queries: 1,
      queryPlans: 1,
    });
  });

  it('creates, reads, replaces and deletes; a duplicate id is 409', async () => {
    const { resource: created } = await container.items.create<Item>({ id: 'a', environmentId: 'e1', n: 1 });
    expect(created?._etag).toBeTruthy();
    await expect(container.items.create<Item>({ id: 'a', environmentId: 'e1', n: 2 })).rejects.toMatchObject({ code: 409 });
    const { resource: read } = await container.item('a', 'e1').read<Item>();
    expect(read?.n).toBe(1);
    await container.item('a', 'e1').replace<Item>({ id: 'a', environmentId: 'e1', n: 3 });
    expect((await container.item('a', 'e1').read<Item>()).resource?.n).toBe(3);
    await container.item('a', 'e1').delete();
    expect((await container.item('a', 'e1').read<Item>()).statusCode).toBe(404);
  });

  it('refuses a replace with a stale If-Match etag with 412, and accepts the current one', async () => {
    const { resource } = await container.items.create<Item>({ id: 'etag', environmentId: 'e1', n: 1 });
    const staleEtag = resource?._etag ?? '';
    await container.item('etag', 'e1').replace<Item>({ id: 'etag', environmentId: 'e1', n: 2 }, { accessCondition: { type: 'IfMatch', condition: staleEtag } });
    await expect(
      container.item('etag', 'e1').replace<Item>({ id: 'etag', environmentId: 'e1', n: 3 }, { accessCondition: { type: 'IfMatch', condition: staleEtag } }),
    ).rejects.toMatchObject({ code: 412 });
    expect((await container.item('etag', 'e1').read<Item>()).resource?.n).toBe(2);
  });

  it('answers parameterised queries within a partition, ordered', async () => {
    for (let n = 0; n < 5; n++) await container.items.create<Item>({ id: `q${n}`, environmentId: 'eq', n, tag: n % 2 === 0 ? 'even' : 'odd' });
    const { resources } = await container.items
      .query<Item>(
        {
          query: 'SELECT * FROM c WHERE c.environmentId = @env AND c.tag = @tag ORDER BY c.n DESC',
          parameters: [
            { name: '@env', value: 'eq' },
            { name: '@tag', value: 'even' },
          ],
        },
        { partitionKey: 'eq' },
      )
      .fetchAll();
    expect(resources.map((r) => r.n)).toEqual([4, 2, 0]);
  });

  it('pages with continuation tokens until every item has been seen once', async () => {
    for (let n = 0; n < 23; n++) await container.items.create<Item>({ id: `p${n}`, environmentId: 'ep', n });
    const seen: number[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await container.items
        .query<Item>(
          { query: 'SELECT * FROM c WHERE c.environmentId = @env ORDER BY c.n', parameters: [{ name: '@env', value: 'ep' }] },
          { partitionKey: 'ep', maxItemCount: 10, continuationToken: token },
        )
        .fetchNext();
      seen.push(...page.resources.map((r) => r.n));
      token = page.continuationToken;
      pages++;
    } while (token && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([...Array(23).keys()]);
  });

  it('injects throttling that the SDK retries through, as it would against a busy account', async () => {
    peer.faults.throttleRate = 0.5;
    peer.faults.throttleRetryAfterMs = 5;
    const before = peer.counters.throttled;
    try {
      for (let n = 0; n < 20; n++) await container.items.upsert<Item>({ id: `t${n}`, environmentId: 'et', n });
    } finally {
      peer.faults.throttleRate = 0;
    }
    expect(peer.counters.throttled).toBeGreaterThan(before);
    const { resources } = await container.items
      .query<number>(
        { query: 'SELECT VALUE COUNT(1) FROM c WHERE c.environmentId = @env', parameters: [{ name: '@env', value: 'et' }] },
        { partitionKey: 'et' },
      )
      .fetchAll();
    expect(resources[0]).toBe(20);
  });
});
