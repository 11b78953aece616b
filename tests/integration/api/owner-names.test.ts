import { beforeAll, describe, expect, it } from 'vitest';
import { clientFor, type ApiClient } from '../../support/api-client.js';
import { GROUP_ACCOUNT } from '../../support/connection-fixtures.js';
import { addMember } from '../../support/fixtures.js';
import { aCustomImage } from '../../support/image-fixtures.js';
import { createRunWorld, type RunWorld } from '../../support/run-fixtures.js';

// Issue 21, "names next to ids wherever a user is shown": images, credentials, connections and desktop flows show
// their owner's display name (its member document's) next to ownerId, in lists and on their own.

type Owned = { id: string; ownerId: string; ownerName?: string };

let owner: ApiClient;
let w: RunWorld;
const paths: Record<string, string> = {};

beforeAll(async () => {
  const admin = await clientFor({ platformAdmin: true, name: 'Pat Admin' });
  w = await createRunWorld(admin);
  owner = await clientFor({ name: 'Olga Owner' });
  await addMember(admin, w.envId, owner, ['EnvironmentMaker']);
  // the member document records the name from the token on the member's first call
  expect((await owner.get('me')).status).toBe(200);
  const create = async (kind: string, body: unknown) => {
    const res = await owner.post<Owned>(`environments/${w.envId}/${kind}`, body);
    if (res.status !== 201) throw new Error(`${kind}: ${res.status} ${res.text}`);
    expect(res.body).toMatchObject({ ownerId: owner.userId, ownerName: 'Olga Owner' });
    paths[kind] = `environments/${w.envId}/${kind}/${res.body.id}`;
  };
  await create('images', aCustomImage());
  await create('credentials', { name: 'Runner', ...GROUP_ACCOUNT });
  await create('desktop-flows', { name: 'Post invoice', definition: { steps: [{ output: { name: 'x', value: '1' } }] } });
  await addMember(admin, w.envId, owner, ['SystemAdministrator']);
  await create('connections', { name: 'Olga to the group', groupId: w.groupId, ...GROUP_ACCOUNT });
});

describe('owner names', () => {
  it.each(['images', 'credentials', 'connections', 'desktop-flows'])('%s show ownerName next to ownerId, listed and read', async (kind) => {
    const path = paths[kind] as string;
    const one = await owner.get<Owned>(path);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ ownerId: owner.userId, ownerName: 'Olga Owner' });
    const list = await owner.get<{ items: Owned[] }>(`environments/${w.envId}/${kind}`);
    expect(list.body.items.find((r) => r.id === one.body.id)).toMatchObject({ ownerId: owner.userId, ownerName: 'Olga Owner' });
  });

  it("shows ownerName on the group's connections list too", async () => {
    const list = await owner.get<{ items: Owned[] }>(`environments/${w.envId}/groups/${w.groupId}/connections`);
    expect(list.status).toBe(200);
    const mine = list.body.items.find((c) => c.ownerId === owner.userId);
    expect(mine).toMatchObject({ ownerName: 'Olga Owner' });
  });

  it("omits ownerName for an owner without a member name (the built-in image's)", async () => {
    const images = await owner.get<{ items: Array<Owned & { builtIn: boolean }> }>(`environments/${w.envId}/images`);
    const builtIn = images.body.items.find((i) => i.builtIn);
    expect(builtIn).toBeDefined();
    expect(builtIn).not.toHaveProperty('ownerName');
  });
});
