import { CosmosClient, PartitionKeyKind, type Container } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosmosDefinitions } from '../../../app/config/infra-definitions.js';
import { startCosmosPeer, type CosmosPeer } from '../../../local/stack/cosmos-peer.js';

interface Run {
  id: string;
  environmentId: string;
  month?: string;
  n: number;
}

let peer: CosmosPeer;
let client: CosmosClient;
let runs: Container;

beforeAll(async () => {
  peer = await startCosmosPeer();
  client = new CosmosClient({ endpoint: peer.endpoint, key: peer.key, connectionPolicy: { enableEndpointDiscovery: false } });
  const database = client.database(cosmosDefinitions.databaseName);
  ({ container: runs } = await database.containers.createIfNotExists({
    id: 'hierarchical',
    partitionKey: { paths: ['/environmentId', '/month'], kind: PartitionKeyKind.MultiHash, version: 2 },
  }));
});

afterAll(async () => {
  client.dispose();
  await peer.close();
});

const ids = (items: { id: string }[]) => items.map((i) => i.id).sort();

describe('Cosmos peer: hierarchical (MultiHash) partition keys through the real @azure/cosmos SDK', () => {
  it('keeps the container definition: two paths, MultiHash, version 2', async () => {
    const { resource } = await runs.read();
    expect(resource?.partitionKey).toMatchObject({ paths: ['/environmentId', '/month'], kind: 'MultiHash', version: 2 });
  });

  it('creates, reads, replaces under If-Match and deletes by the full key', async () => {
    const { resource: created } = await runs.items.create<Run>({ id: 'crud', environmentId: 'e1', month: '2026-12', n: 1 });
    const key = ['e1', '2026-12'];
    expect((await runs.item('crud', key).read<Run>()).resource?.n).toBe(1);
    await runs
      .item('crud', key)
      .replace<Run>({ id: 'crud', environmentId: 'e1', month: '2026-12', n: 2 }, { accessCondition: { type: 'IfMatch', condition: created?._etag ?? '' } });
    await expect(
      runs
        .item('crud', key)
        .replace<Run>({ id: 'crud', environmentId: 'e1', month: '2026-12', n: 3 }, { accessCondition: { type: 'IfMatch', condition: created?._etag ?? '' } }),
    ).rejects.toMatchObject({ code: 412 });
    expect((await runs.item('crud', key).read<Run>()).resource?.n).toBe(2);
    await runs.item('crud', key).delete();
    expect((await runs.item('crud', key).read<Run>()).statusCode).toBe(404);
  });

  it('answers 404 to a point read, replace or delete under another full key, and leaves the item alone', async () => {
    await runs.items.create<Run>({ id: 'wrong', environmentId: 'e1', month: '2026-12', n: 1 });
    expect((await runs.item('wrong', ['e1', '2027-01']).read<Run>()).statusCode).toBe(404);
    expect((await runs.item('wrong', ['e2', '2026-12']).read<Run>()).statusCode).toBe(404);
    await expect(runs.item('wrong', ['e1', '2027-01']).replace<Run>({ id: 'wrong', environmentId: 'e1', month: '2027-01', n: 2 })).rejects.toMatchObject({
      code: 404,
    });
    await expect(runs.item('wrong', ['e1', '2027-01']).delete()).rejects.toMatchObject({ code: 404 });
    expect((await runs.item('wrong', ['e1', '2026-12']).read<Run>()).resource?.n).toBe(1);
  });

  it('refuses a point operation with only a prefix of the key (400), as Azure does', async () => {
    await runs.items.create<Run>({ id: 'prefix-point', environmentId: 'e1', month: '2026-12', n: 1 });
    await expect(runs.item('prefix-point', ['e1']).read<Run>()).rejects.toMatchObject({ code: 400 });
    await expect(runs.item('prefix-point', ['e1']).delete()).rejects.toMatchObject({ code: 400 });
  });

  it('keeps the same id apart under two keys of the same environment (two months are two logical partitions)', async () => {
    await runs.items.create<Run>({ id: 'same', environmentId: 'e1', month: '2026-11', n: 11 });
    await runs.items.create<Run>({ id: 'same', environmentId: 'e1', month: '2026-12', n: 12 });
    await expect(runs.items.create<Run>({ id: 'same', environmentId: 'e1', month: '2026-12', n: 0 })).rejects.toMatchObject({ code: 409 });
    expect((await runs.item('same', ['e1', '2026-11']).read<Run>()).resource?.n).toBe(11);
    expect((await runs.item('same', ['e1', '2026-12']).read<Run>()).resource?.n).toBe(12);
  });

  it('scopes a query to its full key, or to its prefix, and never returns another environment', async () => {
    for (const [id, environmentId, month] of [
      ['q1', 'qa', '2026-11'],
      ['q2', 'qa', '2026-12'],
      ['q3', 'qb', '2026-12'],
      ['q4', 'qab', '2026-12'],
    ] as const) {
      await runs.items.create<Run>({ id, environmentId, month, n: 0 });
    }
    const all = 'SELECT * FROM c';
    expect(ids((await runs.items.query<Run>(all, { partitionKey: ['qa', '2026-12'] }).fetchAll()).resources)).toEqual(['q2']);
    expect(ids((await runs.items.query<Run>(all, { partitionKey: ['qa'] }).fetchAll()).resources)).toEqual(['q1', 'q2']);
    expect(ids((await runs.items.query<Run>(all, { partitionKey: ['qb'] }).fetchAll()).resources)).toEqual(['q3']);
    const count = await runs.items
      .query<number>({ query: 'SELECT VALUE COUNT(1) FROM c WHERE c.environmentId = @e', parameters: [{ name: '@e', value: 'qa' }] }, { partitionKey: ['qa'] })
      .fetchAll();
    expect(count.resources).toEqual([2]);
    const ordered = await runs.items.query<Run>('SELECT * FROM c ORDER BY c.month DESC', { partitionKey: ['qa'] }).fetchAll();
    expect(ordered.resources.map((r) => r.id)).toEqual(['q2', 'q1']);
  });

  it('stores an item missing a path component under "undefined" for it, reachable only by that key', async () => {
    await runs.items.create<Run>({ id: 'no-month', environmentId: 'e3', n: 1 });
    expect((await runs.item('no-month', ['e3', undefined as unknown as string]).read<Run>()).resource?.n).toBe(1);
    expect((await runs.item('no-month', ['e3', '2026-12']).read<Run>()).statusCode).toBe(404);
    expect(ids((await runs.items.query<Run>('SELECT * FROM c', { partitionKey: ['e3'] }).fetchAll()).resources)).toEqual(['no-month']);
  });

  it('upserts and patches by the full key', async () => {
    await runs.items.upsert<Run>({ id: 'up', environmentId: 'e4', month: '2026-12', n: 1 });
    await runs.items.upsert<Run>({ id: 'up', environmentId: 'e4', month: '2026-12', n: 2 });
    await runs.item('up', ['e4', '2026-12']).patch([{ op: 'incr', path: '/n', value: 5 }]);
    expect((await runs.item('up', ['e4', '2026-12']).read<Run>()).resource?.n).toBe(7);
    const { resources } = await runs.items.query<Run>('SELECT * FROM c', { partitionKey: ['e4'] }).fetchAll();
    expect(resources).toHaveLength(1);
  });

  it('serves bulk operations, each under its own full key', async () => {
    const results = await runs.items.bulk([
      { operationType: 'Create', resourceBody: { id: 'bulk1', environmentId: 'e6', month: '2026-11', n: 1 } },
      { operationType: 'Create', resourceBody: { id: 'bulk2', environmentId: 'e6', month: '2026-12', n: 2 } },
    ]);
    expect(results.map((r) => r.statusCode)).toEqual([201, 201]);
    expect((await runs.item('bulk2', ['e6', '2026-12']).read<Run>()).resource?.n).toBe(2);
    expect((await runs.item('bulk2', ['e6', '2026-11']).read<Run>()).statusCode).toBe(404);
  });

  it('refuses a transactional batch on a hierarchical container with a clear 400', async () => {
    // the SDK rethrows a batch's failure as a plain Error carrying the peer's message
    await expect(
      runs.items.batch([{ operationType: 'Create', resourceBody: { id: 'b1', environmentId: 'e5', month: '2026-12', n: 1 } }], ['e5', '2026-12']),
    ).rejects.toThrow(/not implemented by the local Cosmos peer/);
    expect((await runs.item('b1', ['e5', '2026-12']).read<Run>()).statusCode).toBe(404);
  });
});

describe('Cosmos peer: single-path containers keep their behaviour, with queries scoped to their key', () => {
  it('reads by the single key and scopes a query to it without a WHERE clause on the key', async () => {
    const control = client.database(cosmosDefinitions.databaseName).container('control');
    await control.items.create({ id: 's1', environmentId: 'sa', n: 1 });
    await control.items.create({ id: 's2', environmentId: 'sb', n: 2 });
    expect((await control.item('s1', 'sa').read<Run>()).resource?.n).toBe(1);
    expect((await control.item('s1', 'sb').read<Run>()).statusCode).toBe(404);
    expect(ids((await control.items.query<Run>('SELECT * FROM c', { partitionKey: 'sa' }).fetchAll()).resources)).toEqual(['s1']);
    const everywhere = await control.items.query<Run>({ query: 'SELECT * FROM c WHERE c.id IN ("s1", "s2")' }).fetchAll();
    expect(ids(everywhere.resources)).toEqual(['s1', 's2']);
  });

  it('scopes a query to its key also where the index answers it (conditions on indexed fields, not on the key)', async () => {
    const control = client.database(cosmosDefinitions.databaseName).container('control');
    await control.items.create({ id: 'i1', environmentId: 'ia', type: 'scoped', state: 'Queued' });
    await control.items.create({ id: 'i2', environmentId: 'ib', type: 'scoped', state: 'Queued' });
    const query = "SELECT * FROM c WHERE c.type = 'scoped' AND c.state = 'Queued'";
    expect(ids((await control.items.query<Run>(query, { partitionKey: 'ia' }).fetchAll()).resources)).toEqual(['i1']);
    const count = "SELECT VALUE COUNT(1) FROM c WHERE c.type = 'scoped' AND c.state = 'Queued'";
    expect((await control.items.query<number>(count, { partitionKey: 'ib' }).fetchAll()).resources).toEqual([1]);
    expect((await control.items.query<number>(count).fetchAll()).resources).toEqual([2]);
  });
});

describe('Cosmos peer: a conditional patch is judged on the item it patches', () => {
  const control = () => client.database(cosmosDefinitions.databaseName).container('control');
  const statusOf = (err: unknown) => (err as { code?: number }).code;

  it('ignores an item of the same id under another key: 412 when the patched item fails the condition', async () => {
    await control().items.create({ id: 'gate', environmentId: 'pa', open: true, epoch: 3 });
    await control().items.create({ id: 'gate', environmentId: 'pb', open: false, epoch: 4 });
    const condition = 'FROM c WHERE c.open = true AND c.epoch = 3';
    const patched = await control()
      .item('gate', 'pb')
      .patch({ condition, operations: [{ op: 'incr', path: '/epoch', value: 1 }] })
      .catch(statusOf);
    expect(patched).toBe(412);
    expect((await control().item('gate', 'pb').read<{ epoch: number }>()).resource?.epoch).toBe(4);
    const ok = await control()
      .item('gate', 'pa')
      .patch({ condition, operations: [{ op: 'incr', path: '/epoch', value: 1 }] });
    expect(ok.resource).toMatchObject({ epoch: 4 });
  });

  it('keeps the case of the predicate, answers 404 for a missing item and 400 for a condition it cannot read', async () => {
    await control().items.create({ id: 'run', environmentId: 'pc', state: 'Queued' });
    const set = [{ op: 'set' as const, path: '/state', value: 'Running' }];
    const moved = await control().item('run', 'pc').patch({ condition: "FROM c WHERE c.state = 'Queued'", operations: set });
    expect(moved.resource).toMatchObject({ state: 'Running' });
    expect(await control().item('run', 'pc').patch({ condition: "from c where c.state = 'Queued'", operations: set }).catch(statusOf)).toBe(412);
    expect(await control().item('none', 'pc').patch({ condition: 'FROM c WHERE true', operations: set }).catch(statusOf)).toBe(404);
    expect(await control().item('run', 'pc').patch({ condition: 'c.state = true', operations: set }).catch(statusOf)).toBe(400);
  });
});
