import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { clientFor, type ApiClient } from '../../support/api-client.js';
import {
  aConnection,
  builtInImageId,
  createGroup,
  GROUP_ACCOUNT,
  markGroupDeleted,
  rawDocuments,
  recordResponses,
  removeGroupDocument,
  shareGroup,
  shareImage,
  storedConnectionSecret,
} from '../../support/connection-fixtures.js';
import { addMember, createEnvironment } from '../../support/fixtures.js';

interface Connection {
  id: string;
  etag: string;
  name: string;
  groupId: string;
  username: string;
  ownerId: string;
  groupStatus: 'active' | 'deleted';
}

/** what a refused request carries instead (problem+json) */
interface Problem {
  status?: number;
  code?: string;
  reason?: string;
  errors?: Array<{ field: string; message: string }>;
}

const RANDOM_ID = '6f9619ff-8b86-d011-b42d-00c04fc964ff';
/** every response of this file, checked at the end for passwords */
const responses: string[] = [];
const passwords: string[] = [GROUP_ACCOUNT.password];

let admin: ApiClient;
let groupOwner: ApiClient;
let userShare: ApiClient;
let coOwner: ApiClient;
let noShare: ApiClient;
let imageAdmin: ApiClient;
let deactivated: ApiClient;
let envId: string;
let imageId: string;
let groupId: string;

const connections = () => `environments/${envId}/connections`;

function password(): string {
  const value = `Pw-${randomUUID()}`;
  passwords.push(value);
  return value;
}

/** A connection with the group's account (its password must be the account's). */
async function connect(client: ApiClient, overrides: Record<string, unknown> = {}, group = groupId) {
  return client.post<Connection & Problem>(connections(), aConnection(group, overrides));
}

async function created(client: ApiClient, overrides: Record<string, unknown> = {}, group = groupId): Promise<Connection> {
  const res = await connect(client, overrides, group);
  expect(res.status, res.text).toBe(201);
  return res.body;
}

const idsOf = (items: Connection[]) => items.map((c) => c.id).sort();

beforeAll(async () => {
  const clients = await Promise.all(Array.from({ length: 7 }, (_, i) => clientFor(i === 0 ? { platformAdmin: true } : {})));
  [admin, groupOwner, userShare, coOwner, noShare, imageAdmin, deactivated] = clients.map((c) => recordResponses(c, responses)) as [
    ApiClient,
    ApiClient,
    ApiClient,
    ApiClient,
    ApiClient,
    ApiClient,
    ApiClient,
  ];
  envId = (await createEnvironment(admin)).id;
  await Promise.all([
    addMember(admin, envId, groupOwner, ['EnvironmentMaker']),
    addMember(admin, envId, userShare, ['BasicUser']),
    addMember(admin, envId, coOwner, ['DesktopFlowsMachineOwner']),
    addMember(admin, envId, noShare, ['EnvironmentMaker']),
    addMember(admin, envId, imageAdmin, ['DesktopFlowsMachineImageAdmin']),
    addMember(admin, envId, deactivated, ['BasicUser']),
  ]);
  imageId = await builtInImageId(admin, envId);
  await shareImage(admin, envId, imageId, [{ userId: groupOwner.userId, permission: 'User' }]);
  groupId = (await createGroup(groupOwner, envId, imageId)).id;
  await shareGroup(groupOwner, envId, groupId, [
    { userId: userShare.userId, permission: 'User' },
    { userId: coOwner.userId, permission: 'CoOwner' },
    { userId: imageAdmin.userId, permission: 'User' },
    { userId: deactivated.userId, permission: 'User' },
  ]);
  expect((await admin.delete(`environments/${envId}/members/${deactivated.userId}`)).status).toBe(204);
}, 60_000);

describe('POST /environments/{env}/connections', () => {
  it('creates a direct-to-machine, unattended connection: 201 with Location and ETag, the creator owns it, no password', async () => {
    const res = await connect(userShare, { name: 'Nightly invoices' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      etag: expect.any(String),
      name: 'Nightly invoices',
      groupId,
      kind: 'direct-to-machine',
      runMode: 'unattended',
      username: GROUP_ACCOUNT.username,
      ownerId: userShare.userId,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      groupStatus: 'active',
      credentialsOutdated: false,
    });
    expect(res.headers.get('location')).toBe(`${userShare.baseUrl}/api/${connections()}/${res.body.id}`);
  });

  it('lets the group owner, User and CoOwner shares and SystemAdministrators connect; others get 404 (cannot see the group) or 403 (role)', async () => {
    const matrix: Array<[string, ApiClient, number]> = [
      ['group owner', groupOwner, 201],
      ['User share', userShare, 201],
      ['CoOwner share', coOwner, 201],
      ['SystemAdministrator', admin, 201],
      ['no share', noShare, 404],
      ['DesktopFlowsMachineImageAdmin with a User share', imageAdmin, 403],
      ['deactivated member', deactivated, 404],
    ];
    const results = await Promise.all(matrix.map(async ([who, client]) => [who, (await connect(client)).status] as const));
    expect(Object.fromEntries(results)).toEqual(Object.fromEntries(matrix.map(([who, , status]) => [who, status])));
  });

  it("refuses a username other than the group's local account (422 UsernameMismatch), comparing without case as Windows does", async () => {
    const mismatch = await connect(userShare, { username: 'someone-else' });
    expect(mismatch.status).toBe(422);
    expect(mismatch.headers.get('content-type')).toBe('application/problem+json');
    expect(mismatch.body).toMatchObject({ status: 422, code: 'BusinessRuleViolated', reason: 'UsernameMismatch' });
    const otherCase = await connect(userShare, { username: GROUP_ACCOUNT.username.toUpperCase() });
    expect(otherCase.status).toBe(201);
    expect(otherCase.body.username).toBe(GROUP_ACCOUNT.username);
  });

  it('refuses unknown groups (404) and bodies out of shape (400 with the field)', async () => {
    expect((await connect(admin, {}, RANDOM_ID)).status).toBe(404);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ groupId: 'not-a-guid' }, 'groupId'],
      [{ name: '' }, 'name'],
      [{ username: 'u'.repeat(21) }, 'username'],
      [{ password: '' }, 'password'],
      [{ password: 'p'.repeat(124) }, 'password'],
      [{ kind: 'gateway' }, 'kind'],
      [{ runMode: 'attended' }, 'runMode'],
      [{ shareWith: 'everyone' }, 'shareWith'],
    ];
    for (const [overrides, field] of cases) {
      const res = await connect(admin, overrides);
      expect(res.status, JSON.stringify(overrides)).toBe(400);
      expect(res.body.errors).toContainEqual(expect.objectContaining({ field }));
    }
    const explicit = await connect(admin, { kind: 'direct-to-machine', runMode: 'unattended' });
    expect(explicit.status).toBe(201);
  });

  it('refuses new connections while hosted RPA is off (422 HostedRpaDisabled)', async () => {
    expect((await admin.patch(`environments/${envId}`, { hostedRpaEnabled: false })).status).toBe(200);
    try {
      const res = await connect(userShare);
      expect(res.status).toBe(422);
      expect(res.body.reason).toBe('HostedRpaDisabled');
    } finally {
      expect((await admin.patch(`environments/${envId}`, { hostedRpaEnabled: true })).status).toBe(200);
    }
  });
});

describe('GET /environments/{env}/connections', () => {
  it('shows owners their own connections, group managers those of their group, SystemAdministrators all', async () => {
    const [mine, theirs, managers] = await Promise.all([created(userShare), created(coOwner), created(groupOwner)]);
    const list = async (client: ApiClient) => {
      const res = await client.get<{ items: Connection[] }>(connections());
      expect(res.status).toBe(200);
      return idsOf(res.body.items);
    };
    const [asUser, asCoOwner, asGroupOwner, asAdmin, asStranger] = await Promise.all([userShare, coOwner, groupOwner, admin, noShare].map(list));
    expect(asUser).toContain(mine.id);
    expect(asUser).not.toContain(theirs.id);
    expect(asUser).not.toContain(managers.id);
    for (const manager of [asCoOwner, asGroupOwner, asAdmin]) expect(manager).toEqual(expect.arrayContaining([mine.id, theirs.id, managers.id]));
    expect(asStranger).toEqual([]);
    expect(asAdmin).toEqual(asGroupOwner);
  });

  it('reads one connection for its owner, a group manager or a SystemAdministrator; 404 for anyone else', async () => {
    const connection = await created(userShare);
    for (const reader of [userShare, groupOwner, coOwner, admin]) {
      const res = await reader.get<Connection>(`${connections()}/${connection.id}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(connection);
      expect(res.headers.get('etag')).toBe(`"${connection.etag}"`);
    }
    const other = await created(coOwner);
    for (const outsider of [noShare, imageAdmin, deactivated]) expect((await outsider.get(`${connections()}/${connection.id}`)).status).toBe(404);
    expect((await userShare.get(`${connections()}/${other.id}`)).status).toBe(404);
    expect((await admin.get(`${connections()}/${RANDOM_ID}`)).status).toBe(404);
    expect((await admin.get(`${connections()}/not-a-guid`)).status).toBe(404);
  });
});

describe('DELETE /environments/{env}/connections/{id}', () => {
  it('deletes the document and its secret for the owner, honouring If-Match', async () => {
    const connection = await created(userShare);
    expect(await storedConnectionSecret(connection.id)).toEqual(expect.any(String));
    const stale = await userShare.delete(`${connections()}/${connection.id}`, { 'if-match': '"stale"' });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('PreconditionFailed');
    expect((await userShare.delete(`${connections()}/${connection.id}`, { 'if-match': connection.etag })).status).toBe(204);
    expect((await userShare.get(`${connections()}/${connection.id}`)).status).toBe(404);
    expect(await storedConnectionSecret(connection.id)).toBeUndefined();
    expect((await userShare.delete(`${connections()}/${connection.id}`)).status).toBe(404);
  });

  it('lets group managers and SystemAdministrators delete; others get 404', async () => {
    const [a, b] = await Promise.all([created(userShare), created(userShare)]);
    expect((await noShare.delete(`${connections()}/${a.id}`)).status).toBe(404);
    expect((await coOwner.delete(`${connections()}/${a.id}`)).status).toBe(204);
    expect((await admin.delete(`${connections()}/${b.id}`)).status).toBe(204);
  });
});

describe('connections of deleted groups', () => {
  it('a group marked deleted by the inactivity timer refuses connections (422 GroupDeleted); existing ones show groupStatus deleted', async () => {
    const group = await createGroup(groupOwner, envId, imageId);
    const connection = await created(groupOwner, {}, group.id);
    await markGroupDeleted(envId, group.id);
    const refused = await connect(groupOwner, {}, group.id);
    expect(refused.status).toBe(422);
    expect(refused.body.reason).toBe('GroupDeleted');
    expect((await groupOwner.get<Connection>(`${connections()}/${connection.id}`)).body.groupStatus).toBe('deleted');
  });

  it('a connection whose group document is gone still reads, with groupStatus deleted, and can be deleted', async () => {
    const group = await createGroup(groupOwner, envId, imageId);
    const connection = await created(groupOwner, {}, group.id);
    await removeGroupDocument(envId, group.id);
    const read = await groupOwner.get<Connection>(`${connections()}/${connection.id}`);
    expect(read.status).toBe(200);
    expect(read.body.groupStatus).toBe('deleted');
    const listed = await admin.get<{ items: Connection[] }>(connections());
    expect(listed.body.items.find((c) => c.id === connection.id)?.groupStatus).toBe('deleted');
    expect((await connect(groupOwner, {}, group.id)).status).toBe(404);
    expect((await groupOwner.delete(`${connections()}/${connection.id}`)).status).toBe(204);
  });
});

describe("connection passwords are the group's account password", () => {
  it('refuses any other password (422 InvalidCredentials), case included, for every caller', async () => {
    for (const client of [groupOwner, userShare, admin]) {
      for (const wrong of [password(), GROUP_ACCOUNT.password.toUpperCase(), `${GROUP_ACCOUNT.password} `]) {
        const res = await connect(client, { password: wrong });
        expect(res.status).toBe(422);
        expect(res.headers.get('content-type')).toBe('application/problem+json');
        expect(res.body).toMatchObject({ status: 422, code: 'InvalidCredentials', reason: 'InvalidCredentials' });
      }
    }
  });

  it("after the group's account is rotated, its connections are outdated until their owner PATCHes the new password", async () => {
    const group = await createGroup(groupOwner, envId, imageId);
    await shareGroup(groupOwner, envId, group.id, [
      { userId: userShare.userId, permission: 'User' },
      { userId: coOwner.userId, permission: 'CoOwner' },
    ]);
    const connection = await created(userShare, {}, group.id);
    const groupPath = `environments/${envId}/groups/${group.id}`;
    const rotated = password();

    // only the group's managers rotate, and only the password (the username stays; the password rules apply)
    expect((await userShare.patch(groupPath, { account: { password: rotated } })).status).toBe(403);
    expect((await groupOwner.patch(groupPath, { account: { username: GROUP_ACCOUNT.username, password: rotated } })).status).toBe(400);
    expect((await groupOwner.patch(groupPath, { account: { password: 'short' } })).status).toBe(400);
    const rotation = await groupOwner.patch<{ account: { username: string } }>(groupPath, { account: { password: rotated } });
    expect(rotation.status).toBe(200);
    expect(rotation.body.account).toEqual({ username: GROUP_ACCOUNT.username });

    const path = `${connections()}/${connection.id}`;
    const outdated = await userShare.get<Connection & { credentialsOutdated: boolean }>(path);
    expect(outdated.body.credentialsOutdated).toBe(true);
    // new connections need the new password too
    expect((await connect(userShare, {}, group.id)).body.reason).toBe('InvalidCredentials');
    expect((await connect(userShare, { password: rotated }, group.id)).status).toBe(201);

    // only the owner updates it, with the account's current password, under If-Match
    expect((await groupOwner.patch(path, { password: rotated })).status).toBe(403);
    expect((await admin.patch(path, { password: rotated })).status).toBe(403);
    expect((await userShare.patch<Problem>(path, { password: GROUP_ACCOUNT.password })).body.reason).toBe('InvalidCredentials');
    expect((await userShare.patch(path, { password: rotated }, { 'if-match': '"stale"' })).status).toBe(412);
    const updated = await userShare.patch<Connection & { credentialsOutdated: boolean }>(
      path,
      { name: 'Renamed', password: rotated },
      { 'if-match': outdated.body.etag },
    );
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ name: 'Renamed', credentialsOutdated: false });
    expect(updated.headers.get('etag')).toContain(updated.body.etag);
    expect(await storedConnectionSecret(connection.id)).toBe(rotated);

    // a CoOwner rotates too: outdated again
    expect((await coOwner.patch(groupPath, { account: { password: password() } })).status).toBe(200);
    expect((await userShare.get<{ credentialsOutdated: boolean }>(path)).body.credentialsOutdated).toBe(true);
  });

  it('PATCH refuses bodies out of shape (400) and unknown connections (404)', async () => {
    const connection = await created(userShare);
    const path = `${connections()}/${connection.id}`;
    for (const body of [
      { password: '' },
      { username: 'x' },
      { password: GROUP_ACCOUNT.password, credentialId: RANDOM_ID },
      { credentialId: 'not-a-guid' },
      { name: '' },
    ]) {
      expect((await userShare.patch(path, body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await userShare.patch(`${connections()}/${RANDOM_ID}`, { name: 'x' })).status).toBe(404);
    expect((await noShare.patch(path, { name: 'x' })).status).toBe(404);
  });
});

describe('GET /environments/{env}/groups/{id}/connections', () => {
  it("shows the group's managers every connection, a User-share holder only its own", async () => {
    const [mine, theirs, managers] = await Promise.all([created(userShare), created(coOwner), created(groupOwner)]);
    const list = async (client: ApiClient) => {
      const res = await client.get<{ items: Connection[] }>(`environments/${envId}/groups/${groupId}/connections`);
      expect(res.status).toBe(200);
      return idsOf(res.body.items);
    };
    const asUser = await list(userShare);
    expect(asUser).toContain(mine.id);
    expect(asUser).not.toContain(theirs.id);
    expect(asUser).not.toContain(managers.id);
    for (const manager of [coOwner, groupOwner, admin]) expect(await list(manager)).toEqual(expect.arrayContaining([mine.id, theirs.id, managers.id]));
  });
});

describe('secret hygiene', () => {
  it('keeps the password in the secret store only: never in a Cosmos document nor in any response', async () => {
    const connection = await created(userShare);
    expect(await storedConnectionSecret(connection.id)).toBe(GROUP_ACCOUNT.password);
    // a refused body must not echo it either
    const known = password();
    expect((await connect(userShare, { password: `${known}${'x'.repeat(123)}` })).status).toBe(400);
    expect((await connect(userShare, { username: 'someone-else', password: known })).status).toBe(422);
    expect((await connect(userShare, { password: known })).status).toBe(422);
    expect((await userShare.patch(`${connections()}/${connection.id}`, { password: known })).status).toBe(422);

    const stored = JSON.stringify(await rawDocuments(envId));
    expect(stored).toContain(connection.id);
    expect(responses.length).toBeGreaterThan(50);
    const everything = [stored, ...responses].join('\n');
    for (const secret of passwords) expect(everything.includes(secret), `a password leaked`).toBe(false);
  });
});
