import { beforeAll, describe, expect, it } from 'vitest';
import { clientFor, type ApiClient } from '../../support/api-client.js';
import { aConnection, builtInImageId, controlContainer, createGroup, GROUP_ACCOUNT, shareGroup, shareImage } from '../../support/connection-fixtures.js';
import { addMember, createEnvironment } from '../../support/fixtures.js';
import {
  aRun,
  connectAndRegisterFlow,
  createRunWorld,
  runPath,
  runsPath,
  submit,
  type Problem,
  type RunBody,
  type RunWorld,
} from '../../support/run-fixtures.js';

// PRODUCT.md turn 2, "Access": submitting needs the caller's *current* use of the group as well as owning the
// connection; rotated account passwords outdate connections; only the group's managers move runs to the top.

let admin: ApiClient;

beforeAll(async () => {
  admin = await clientFor({ platformAdmin: true });
});

const groupPath = (w: RunWorld) => `environments/${w.envId}/groups/${w.groupId}`;

/**
 * A run world (createRunWorld) in an environment where `prepare` may first create groups of its own; then the
 * capacity drops to 0 behind the API, so that the controller starts no bot and runs stay queued.
 */
async function aWorld(prepare?: (envId: string, imageId: string) => Promise<void>): Promise<RunWorld> {
  const envId = (await createEnvironment(admin, { capacity: 4 })).id;
  await prepare?.(envId, await builtInImageId(admin, envId));
  const w = await createRunWorld(admin, envId);
  const env = controlContainer().item(envId, envId);
  const { resource } = await env.read<Record<string, unknown>>();
  await env.replace({ ...resource, capacity: 0 });
  return w;
}

/** A member of the world's environment with `roles`, holding a share of its group and a connection of its own. */
async function memberWithConnection(w: RunWorld, roles: string[], permission: 'User' | 'CoOwner' = 'User'): Promise<{ client: ApiClient; own: RunWorld }> {
  const client = await clientFor();
  await addMember(admin, w.envId, client, roles);
  // added to the group's shares (a PUT replaces them all)
  const { items } = (await admin.get<{ items: Array<{ userId: string; permission: 'User' | 'CoOwner' }> }>(`${groupPath(w)}/access`)).body;
  await shareGroup(admin, w.envId, w.groupId, [
    ...items.map(({ userId, permission: p }) => ({ userId, permission: p })),
    { userId: client.userId, permission },
  ]);
  const connection = await client.post<{ id: string }>(`environments/${w.envId}/connections`, aConnection(w.groupId));
  expect(connection.status, connection.text).toBe(201);
  // the world's desktop flow (BasicUsers may run flows but not register them)
  return { client, own: { ...w, client, connectionId: connection.body.id } };
}

async function submitAs(world: RunWorld) {
  return world.client.post<RunBody & Problem>(runsPath(world.envId), aRun(world));
}

describe('losing access stops runs (403 GroupAccessRevoked)', () => {
  it('after the share is removed, the old connection answers 403 GroupAccessRevoked; shared again, it works', async () => {
    const w = await aWorld();
    const { client, own } = await memberWithConnection(w, ['BasicUser']);
    expect((await submitAs(own)).status).toBe(202);
    await shareGroup(admin, w.envId, w.groupId, []);
    const refused = await submitAs(own);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.body).toMatchObject({ status: 403, code: 'GroupAccessRevoked' });
    await shareGroup(admin, w.envId, w.groupId, [{ userId: client.userId, permission: 'User' }]);
    expect((await submitAs(own)).status).toBe(202);
  });

  it.each([
    ['the group owner demoted to BasicUser', ['EnvironmentMaker'], ['BasicUser']],
    ['the group owner left with DesktopFlowsMachineImageAdmin only', ['DesktopFlowsMachineOwner'], ['DesktopFlowsMachineImageAdmin']],
  ])('%s: 403 GroupAccessRevoked on the connection they still own', async (_who, before, after) => {
    const owner = await clientFor();
    let groupId = '';
    const env = await aWorld(async (envId, imageId) => {
      await addMember(admin, envId, owner, before);
      await shareImage(admin, envId, imageId, [{ userId: owner.userId, permission: 'User' }]);
      groupId = (await createGroup(owner, envId, imageId)).id;
    });
    const own: RunWorld = { client: owner, envId: env.envId, groupId, ...(await connectAndRegisterFlow(owner, env.envId, groupId)) };
    expect((await submitAs(own)).status).toBe(202);
    await addMember(admin, env.envId, owner, after);
    const refused = await submitAs(own);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('GroupAccessRevoked');
  });

  it('a deactivated member is no member at all: 404, as for any environment it is not in', async () => {
    const w = await aWorld();
    const { client, own } = await memberWithConnection(w, ['EnvironmentMaker']);
    expect((await submitAs(own)).status).toBe(202);
    expect((await admin.delete(`environments/${w.envId}/members/${client.userId}`)).status).toBe(204);
    expect((await submitAs(own)).status).toBe(404);
  });

  it('a SystemAdministrator may still submit through any connection, and a connection someone else owns is still 403 Forbidden', async () => {
    const w = await aWorld();
    const { own } = await memberWithConnection(w, ['BasicUser']);
    expect((await admin.post(runsPath(w.envId), aRun(own))).status).toBe(202);
    const other = await memberWithConnection(w, ['BasicUser']);
    const res = await other.client.post<Problem>(runsPath(w.envId), aRun(own));
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('Forbidden');
  });
});

describe('rotated account passwords (422 CredentialsOutdated)', () => {
  it('refuses runs through a connection checked against the old password until its owner updates it', async () => {
    const w = await aWorld();
    const { own } = await memberWithConnection(w, ['BasicUser']);
    const rotated = 'R0tated-Acc0unt!pass';
    expect((await admin.patch(groupPath(w), { account: { password: rotated } })).status).toBe(200);
    for (const world of [w, own]) {
      const res = await submitAs(world);
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: 'CredentialsOutdated', reason: 'CredentialsOutdated' });
    }
    expect((await own.client.patch(`environments/${w.envId}/connections/${own.connectionId}`, { password: rotated })).status).toBe(200);
    expect((await submitAs(own)).status).toBe(202);
    expect((await submitAs(w)).status).toBe(422);
  });

  it('keeps runs through a credential going when the rotation names it; a removed credential share is 403 CredentialAccessRevoked', async () => {
    const w = await aWorld();
    const { client } = await memberWithConnection(w, ['BasicUser']);
    const credential = await admin.post<{ id: string }>(`environments/${w.envId}/credentials`, { name: 'Runner', ...GROUP_ACCOUNT });
    expect((await admin.put(`environments/${w.envId}/credentials/${credential.body.id}/access`, [{ userId: client.userId, permission: 'User' }])).status).toBe(
      200,
    );
    const connection = await client.post<{ id: string }>(`environments/${w.envId}/connections`, {
      name: 'Through a credential',
      groupId: w.groupId,
      credentialId: credential.body.id,
    });
    expect(connection.status, connection.text).toBe(201);
    const through: RunWorld = { ...w, client, connectionId: connection.body.id };
    expect((await submitAs(through)).status).toBe(202);
    expect((await admin.patch(groupPath(w), { account: { password: 'R0tated-Acc0unt!pass', credentialId: credential.body.id } })).status).toBe(200);
    expect((await submitAs(through)).status).toBe(202);
    expect((await admin.put(`environments/${w.envId}/credentials/${credential.body.id}/access`, [])).status).toBe(200);
    const revoked = await submitAs(through);
    expect(revoked.status).toBe(403);
    expect(revoked.body.code).toBe('CredentialAccessRevoked');
  });
});

describe('who may reorder and cancel runs', () => {
  it("move-to-top needs the group's owner, a CoOwner or a SystemAdministrator; a submitter may reprioritise and cancel its own run only", async () => {
    const w = await aWorld();
    const user = await memberWithConnection(w, ['EnvironmentMaker']);
    const coOwner = await memberWithConnection(w, ['BasicUser'], 'CoOwner');
    const mine = await submit(user.own);
    const theirs = await submit(w);

    const moveMine = await user.client.post<Problem>(`${runPath(w.envId, mine.id)}/move-to-top`);
    expect(moveMine.status).toBe(403);
    expect((await user.client.patch(runPath(w.envId, mine.id), { priority: 'High' })).status).toBe(200);
    expect((await user.client.patch(runPath(w.envId, theirs.id), { priority: 'High' })).status).toBe(403);
    expect((await user.client.post(`${runPath(w.envId, theirs.id)}/cancel`)).status).toBe(403);

    expect((await coOwner.client.post(`${runPath(w.envId, mine.id)}/move-to-top`)).status).toBe(200);
    expect((await coOwner.client.patch(runPath(w.envId, theirs.id), { priority: 'High' })).status).toBe(200);
    expect((await admin.post(`${runPath(w.envId, theirs.id)}/move-to-top`)).status).toBe(200);
    expect((await user.client.post(`${runPath(w.envId, mine.id)}/cancel`)).status).toBe(200);
  });
});

describe('GET /environments/{env}/capacity', () => {
  it('lists only the groups the caller may see; the figures stay the whole environment’s', async () => {
    let hiddenId = '';
    const w = await aWorld(async (envId, imageId) => {
      hiddenId = (await createGroup(admin, envId, imageId)).id;
    });
    const { client } = await memberWithConnection(w, ['BasicUser']);
    const stranger = await clientFor();
    await addMember(admin, w.envId, stranger, ['EnvironmentMaker']);
    type Capacity = { capacity: number; committed: number; groups: Array<{ groupId: string }> };
    const seen = async (c: ApiClient) => (await c.get<Capacity>(`environments/${w.envId}/capacity`)).body;
    const [asAdmin, asUser, asStranger] = await Promise.all([seen(admin), seen(client), seen(stranger)]);
    expect(asAdmin.groups.map((g) => g.groupId).sort()).toEqual([w.groupId, hiddenId].sort());
    expect(asUser.groups.map((g) => g.groupId)).toEqual([w.groupId]);
    expect(asStranger.groups).toEqual([]);
    expect({ ...asUser, groups: [] }).toEqual({ ...asAdmin, groups: [] });
  });
});
