import { beforeAll, describe, expect, it } from 'vitest';
import { clientFor, type ApiClient } from '../../support/api-client.js';
import { builtInImageId, createGroup, shareGroup } from '../../support/connection-fixtures.js';
import { addMember, createEnvironment } from '../../support/fixtures.js';

// GET /me and GET /environments (PRODUCT.md, turn 2 "New routes"): the caller and the environments it belongs to.

let admin: ApiClient;

beforeAll(async () => {
  admin = await clientFor({ platformAdmin: true, name: 'Pat Admin' });
});

interface EnvironmentList {
  items: Array<{ id: string; name: string }>;
  continuationToken?: string;
}

async function allPages(client: ApiClient, pageSize: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const query = `?pageSize=${pageSize}${token ? `&continuationToken=${encodeURIComponent(token)}` : ''}`;
    const res = await client.get<EnvironmentList>(`environments${query}`);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(pageSize);
    ids.push(...res.body.items.map((e) => e.id));
    token = res.body.continuationToken;
    pages++;
  } while (token);
  return { ids, pages };
}

describe('GET /me', () => {
  it('answers who the caller is and its environments with its roles there; not those it was removed from', async () => {
    const member = await clientFor({ name: 'Mia Member' });
    const kept = await createEnvironment(admin, { name: 'Kept' });
    const left = await createEnvironment(admin, { name: 'Left' });
    await addMember(admin, kept.id, member, ['BasicUser', 'EnvironmentMaker']);
    await addMember(admin, left.id, member, ['BasicUser']);
    expect((await admin.delete(`environments/${left.id}/members/${member.userId}`)).status).toBe(204);

    const me = await member.get<{
      id: string;
      name: string;
      platformAdmin: boolean;
      isApp: boolean;
      environments: Array<{ id: string; name: string; roles: string[] }>;
    }>('me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: member.userId, name: 'Mia Member', platformAdmin: false, isApp: false, environmentsTruncated: false });
    expect(me.body.environments).toEqual([{ id: kept.id, name: 'Kept', roles: ['BasicUser', 'EnvironmentMaker'] }]);

    const adminMe = await admin.get<{ platformAdmin: boolean; environments: Array<{ id: string; roles: string[] }> }>('me');
    expect(adminMe.body.platformAdmin).toBe(true);
    expect(adminMe.body.environments).toEqual(expect.arrayContaining([{ id: kept.id, name: 'Kept', roles: ['SystemAdministrator'] }]));
  });

  it("records the caller's name in its member documents, so that members lists show it next to its id", async () => {
    const member = await clientFor({ name: 'Nia Newcomer' });
    const env = await createEnvironment(admin);
    await addMember(admin, env.id, member, ['BasicUser']);
    const before = await admin.get<{ items: Array<{ userId: string; name?: string }> }>(`environments/${env.id}/members`);
    expect(before.body.items.find((m) => m.userId === member.userId)?.name).toBeUndefined();
    expect((await member.get('me')).status).toBe(200);
    const after = await admin.get<{ items: Array<{ userId: string; name?: string }> }>(`environments/${env.id}/members`);
    expect(after.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ userId: member.userId, name: 'Nia Newcomer' }),
        expect.objectContaining({ userId: admin.userId, name: 'Pat Admin' }),
      ]),
    );
  });

  it("shows the name next to the userId in access lists and next to a group's owner", async () => {
    const member = await clientFor({ name: 'Sam Shared' });
    const env = await createEnvironment(admin, { capacity: 2 });
    await addMember(admin, env.id, member, ['BasicUser']);
    await member.get('me');
    const group = await createGroup(admin, env.id, await builtInImageId(admin, env.id));
    await shareGroup(admin, env.id, group.id, [{ userId: member.userId, permission: 'User' }]);
    const access = await admin.get<{ items: unknown[] }>(`environments/${env.id}/groups/${group.id}/access`);
    expect(access.body.items).toEqual([{ userId: member.userId, name: 'Sam Shared', permission: 'User', deactivated: false }]);
    const shown = await member.get<{ ownerId: string; ownerName?: string }>(`environments/${env.id}/groups/${group.id}`);
    expect(shown.body).toMatchObject({ ownerId: admin.userId, ownerName: 'Pat Admin' });
  });

  it('takes no query parameters (400)', async () => {
    const res = await admin.get('me?x=1');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'x' })]);
  });
});

describe('GET /environments', () => {
  it("lists a member's environments only, page by page, each once", async () => {
    const member = await clientFor();
    const stranger = await createEnvironment(admin, { name: 'Not mine' });
    const mine = [];
    for (let i = 0; i < 5; i++) {
      const env = await createEnvironment(admin, { name: `Mine ${i}` });
      await addMember(admin, env.id, member, ['BasicUser']);
      mine.push(env.id);
    }
    const { ids, pages } = await allPages(member, 2);
    expect(ids.sort()).toEqual([...mine].sort());
    expect(ids).not.toContain(stranger.id);
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  it('lists every environment to a Platform.Admin, members or not', async () => {
    const otherAdmin = await clientFor({ platformAdmin: true });
    const theirs = await createEnvironment(otherAdmin, { name: 'Theirs' });
    const { ids } = await allPages(admin, 200);
    expect(ids).toContain(theirs.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refuses a bad pageSize, unknown parameters and foreign continuation tokens (400)', async () => {
    expect((await admin.get('environments?pageSize=0')).status).toBe(400);
    expect((await admin.get('environments?colour=blue')).status).toBe(400);
    const bad = await admin.get('environments?continuationToken=garbage');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'InvalidContinuationToken' });
  });
});
