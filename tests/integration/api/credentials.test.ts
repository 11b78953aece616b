import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { secretNameFor } from '../../../app/ports/secret-store.js';
import { clientFor, localCloud, type ApiClient } from '../../support/api-client.js';
import {
  aConnection,
  builtInImageId,
  createGroup,
  GROUP_ACCOUNT,
  rawDocuments,
  recordResponses,
  shareGroup,
  shareImage,
  storedCredentialSecret,
  storedSecret,
  vault,
} from '../../support/connection-fixtures.js';
import { addMember, createEnvironment } from '../../support/fixtures.js';

interface Credential {
  id: string;
  etag: string;
  name: string;
  username: string;
  source: 'secretStore' | 'keyVault';
  keyVaultSecretUri?: string;
  ownerId: string;
  passwordChangedAt: string;
  usedByConnections: number;
}

interface Connection {
  id: string;
  etag: string;
  credentialId?: string;
  credentialsOutdated: boolean;
}

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
let owner: ApiClient;
let userShare: ApiClient;
let coOwner: ApiClient;
let stranger: ApiClient;
let imageAdmin: ApiClient;
let envId: string;
let imageId: string;

const credentials = () => `environments/${envId}/credentials`;
const credentialPath = (id: string) => `${credentials()}/${id}`;
const connections = () => `environments/${envId}/connections`;
const groupPath = (id: string) => `environments/${envId}/groups/${id}`;

function password(): string {
  const value = `Cr3d-${randomUUID()}`;
  passwords.push(value);
  return value;
}

const aCredential = (overrides: Record<string, unknown> = {}) => ({
  name: `Runner ${randomUUID().slice(0, 6)}`,
  username: GROUP_ACCOUNT.username,
  password: GROUP_ACCOUNT.password,
  ...overrides,
});

async function createCredential(client: ApiClient, overrides: Record<string, unknown> = {}): Promise<Credential> {
  const res = await client.post<Credential>(credentials(), aCredential(overrides));
  expect(res.status, res.text).toBe(201);
  return res.body;
}

/** A group of `owner` shared with the User share (User) and the CoOwner (User), and a credential of `owner` holding its password. */
async function groupAndCredential(): Promise<{ groupId: string; credential: Credential }> {
  const group = await createGroup(owner, envId, imageId);
  await shareGroup(owner, envId, group.id, [
    { userId: userShare.userId, permission: 'User' },
    { userId: coOwner.userId, permission: 'User' },
  ]);
  const credential = await createCredential(owner);
  await share(owner, credential.id, [
    { userId: userShare.userId, permission: 'User' },
    { userId: coOwner.userId, permission: 'CoOwner' },
  ]);
  return { groupId: group.id, credential };
}

async function share(client: ApiClient, credentialId: string, shares: Array<{ userId: string; permission: 'User' | 'CoOwner' }>): Promise<void> {
  const res = await client.put(`${credentialPath(credentialId)}/access`, shares);
  expect(res.status, res.text).toBe(200);
}

async function connectThrough(client: ApiClient, groupId: string, credentialId: string) {
  return client.post<Connection & Problem>(connections(), { name: 'Through a credential', groupId, credentialId });
}

async function outdated(client: ApiClient, connectionId: string): Promise<boolean> {
  return (await client.get<Connection>(`${connections()}/${connectionId}`)).body.credentialsOutdated;
}

beforeAll(async () => {
  const clients = await Promise.all(Array.from({ length: 6 }, (_, i) => clientFor(i === 0 ? { platformAdmin: true } : {})));
  [admin, owner, userShare, coOwner, stranger, imageAdmin] = clients.map((c) => recordResponses(c, responses)) as [
    ApiClient,
    ApiClient,
    ApiClient,
    ApiClient,
    ApiClient,
    ApiClient,
  ];
  envId = (await createEnvironment(admin)).id;
  await Promise.all([
    addMember(admin, envId, owner, ['EnvironmentMaker']),
    addMember(admin, envId, userShare, ['BasicUser']),
    addMember(admin, envId, coOwner, ['DesktopFlowsMachineOwner']),
    addMember(admin, envId, stranger, ['EnvironmentMaker']),
    addMember(admin, envId, imageAdmin, ['DesktopFlowsMachineImageAdmin']),
  ]);
  imageId = await builtInImageId(admin, envId);
  await shareImage(admin, envId, imageId, [{ userId: owner.userId, permission: 'User' }]);
}, 60_000);

describe('POST /environments/{env}/credentials', () => {
  it('creates a credential the caller owns: 201 with Location and ETag, the password in the secret store only', async () => {
    const secret = password();
    const res = await owner.post<Credential>(credentials(), aCredential({ name: 'Invoices runner', password: secret }));
    expect(res.status).toBe(201);
    expect(res.headers.get('etag')).toContain(res.body.etag);
    expect(res.body).toEqual({
      id: expect.any(String),
      etag: expect.any(String),
      name: 'Invoices runner',
      username: GROUP_ACCOUNT.username,
      source: 'secretStore',
      ownerId: owner.userId,
      passwordChangedAt: expect.any(String),
      usedByConnections: 0,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(res.headers.get('location')).toBe(`${owner.baseUrl}/api/${credentialPath(res.body.id)}`);
    expect(await storedCredentialSecret(res.body.id)).toBe(secret);
    expect((await owner.get<Credential>(credentialPath(res.body.id))).body).toEqual(res.body);
  });

  it('lets whoever may hold connections create one (SystemAdministrator, EnvironmentMaker, DesktopFlowsMachineOwner, BasicUser); DesktopFlowsMachineImageAdmin alone gets 403', async () => {
    const statuses = await Promise.all([admin, owner, coOwner, userShare, imageAdmin].map(async (c) => (await c.post(credentials(), aCredential())).status));
    expect(statuses).toEqual([201, 201, 201, 201, 403]);
  });

  it('refuses bodies out of shape (400 with the field)', async () => {
    const uri = `${localCloud().settings.KEYVAULT_URL}/secrets/some-secret`;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ password: undefined }, 'password'],
      [{ keyVaultSecretUri: uri }, 'keyVaultSecretUri'],
      [{ password: undefined, keyVaultSecretUri: 'http://vault.example/secrets/x' }, 'keyVaultSecretUri'],
      [{ password: undefined, keyVaultSecretUri: `${uri}/not a version` }, 'keyVaultSecretUri'],
      [{ username: '' }, 'username'],
      [{ password: 'p'.repeat(124) }, 'password'],
      [{ name: '' }, 'name'],
      [{ shares: [] }, 'shares'],
    ];
    for (const [overrides, field] of cases) {
      const res = await owner.post<Problem>(credentials(), aCredential(overrides));
      expect(res.status, JSON.stringify(overrides)).toBe(400);
      expect(res.body.errors).toContainEqual(expect.objectContaining({ field }));
    }
  });
});

describe('who may see, rotate, delete and share a credential (owner and shares, like images)', () => {
  it.each([
    // caller, GET, PATCH name, GET access, PUT access, DELETE (stale If-Match: 412 means it got past the rights check)
    ['owner', 200, 200, 200, 200, 412],
    ['SystemAdministrator', 200, 200, 200, 200, 412],
    ['CoOwner share', 200, 200, 200, 200, 412],
    ['User share', 200, 403, 403, 403, 403],
    ['no share', 404, 404, 404, 404, 404],
    ['DesktopFlowsMachineImageAdmin with a CoOwner share', 404, 404, 404, 404, 404],
  ] as const)('%s', async (who, get, patch, getAccess, putAccess, del) => {
    const credential = await createCredential(owner);
    const shares = [
      { userId: userShare.userId, permission: 'User' as const },
      { userId: coOwner.userId, permission: 'CoOwner' as const },
      { userId: imageAdmin.userId, permission: 'CoOwner' as const },
    ];
    await share(owner, credential.id, shares);
    const client = {
      owner,
      SystemAdministrator: admin,
      'CoOwner share': coOwner,
      'User share': userShare,
      'no share': stranger,
      'DesktopFlowsMachineImageAdmin with a CoOwner share': imageAdmin,
    }[who];
    const path = credentialPath(credential.id);
    const listed = (await client.get<{ items: Credential[] }>(credentials())).body.items.some((c) => c.id === credential.id);
    const actual = [
      (await client.get(path)).status,
      (await client.patch(path, { name: `Renamed by ${who}` })).status,
      (await client.get(`${path}/access`)).status,
      (await client.put(`${path}/access`, shares)).status,
      (await client.delete(path, { 'if-match': '"stale"' })).status,
    ];
    expect(actual).toEqual([get, patch, getAccess, putAccess, del]);
    expect(listed).toBe(get === 200);
  });

  it('shows shares with deactivated members flagged, and refuses shares with non-members (422 NotAMember)', async () => {
    const credential = await createCredential(owner);
    const leaver = await clientFor();
    await addMember(admin, envId, leaver, ['BasicUser']);
    await share(owner, credential.id, [{ userId: leaver.userId, permission: 'User' }]);
    expect((await admin.delete(`environments/${envId}/members/${leaver.userId}`)).status).toBe(204);
    const access = await owner.get<{ items: unknown[] }>(`${credentialPath(credential.id)}/access`);
    expect(access.body.items).toEqual([{ userId: leaver.userId, permission: 'User', deactivated: true }]);
    const refused = await owner.put<Problem>(`${credentialPath(credential.id)}/access`, [{ userId: 'not-a-member', permission: 'User' }]);
    expect(refused.status).toBe(422);
    expect(refused.body.reason).toBe('NotAMember');
  });
});

describe('connections through a credential', () => {
  it("reference a credential the caller may use, for the group's account, holding the account's password", async () => {
    const { groupId, credential } = await groupAndCredential();
    const through = await connectThrough(userShare, groupId, credential.id);
    expect(through.status, through.text).toBe(201);
    expect(through.body).toMatchObject({ credentialId: credential.id, username: GROUP_ACCOUNT.username, credentialsOutdated: false });
    expect((await owner.get<Credential>(credentialPath(credential.id))).body.usedByConnections).toBe(1);

    const invisible = await createCredential(stranger);
    expect((await connectThrough(userShare, groupId, invisible.id)).status).toBe(404);
    expect((await connectThrough(userShare, groupId, RANDOM_ID)).status).toBe(404);
    const wrongPassword = await createCredential(owner, { password: password() });
    await share(owner, wrongPassword.id, [{ userId: userShare.userId, permission: 'User' }]);
    expect((await connectThrough(userShare, groupId, wrongPassword.id)).body).toMatchObject({ status: 422, code: 'InvalidCredentials' });
    const otherUser = await createCredential(owner, { username: 'someone-else' });
    expect((await connectThrough(owner, groupId, otherUser.id)).body).toMatchObject({ status: 422, reason: 'UsernameMismatch' });
    const both = await userShare.post<Problem>(connections(), { ...aConnection(groupId), credentialId: credential.id });
    expect(both.status).toBe(400);
    const neither = await userShare.post<Problem>(connections(), { name: 'x', groupId });
    expect(neither.status).toBe(400);
  });

  it("keep working when the group's rotation names the credential; connections with a password of their own are outdated", async () => {
    const { groupId, credential } = await groupAndCredential();
    const through = (await connectThrough(userShare, groupId, credential.id)).body;
    const own = (await userShare.post<Connection>(connections(), aConnection(groupId))).body;
    const rotated = password();
    // naming a credential needs the right to rotate it: 404 when invisible, 403 with a User share; nothing is rotated then
    const strangers = await createCredential(stranger);
    expect((await owner.patch(groupPath(groupId), { account: { password: rotated, credentialId: strangers.id } })).status).toBe(404);
    await share(stranger, strangers.id, [{ userId: owner.userId, permission: 'User' }]);
    expect((await owner.patch(groupPath(groupId), { account: { password: rotated, credentialId: strangers.id } })).status).toBe(403);
    expect(await outdated(userShare, own.id)).toBe(false);
    const rotation = await owner.patch(groupPath(groupId), { account: { password: rotated, credentialId: credential.id } });
    expect(rotation.status, rotation.text).toBe(200);
    expect(await storedCredentialSecret(credential.id)).toBe(rotated);
    expect(await outdated(userShare, through.id)).toBe(false);
    expect(await outdated(userShare, own.id)).toBe(true);
  });

  it('are outdated after a rotation that does not name the credential, until the credential is rotated (PATCH password)', async () => {
    const { groupId, credential } = await groupAndCredential();
    const through = (await connectThrough(userShare, groupId, credential.id)).body;
    const rotated = password();
    expect((await owner.patch(groupPath(groupId), { account: { password: rotated } })).status).toBe(200);
    expect(await outdated(userShare, through.id)).toBe(true);
    // the User share may not rotate it; its CoOwner may, under If-Match
    expect((await userShare.patch(credentialPath(credential.id), { password: rotated })).status).toBe(403);
    const current = (await coOwner.get<Credential>(credentialPath(credential.id))).body;
    expect((await coOwner.patch(credentialPath(credential.id), { password: rotated }, { 'if-match': '"stale"' })).status).toBe(412);
    const patched = await coOwner.patch<Credential>(credentialPath(credential.id), { password: rotated }, { 'if-match': current.etag });
    expect(patched.status).toBe(200);
    expect(patched.body.passwordChangedAt > current.passwordChangedAt).toBe(true);
    expect(await outdated(userShare, through.id)).toBe(false);
    // a credential rotated to a password no group has: its connections are outdated, nothing is refused
    expect((await coOwner.patch(credentialPath(credential.id), { password: password() })).status).toBe(200);
    expect(await outdated(userShare, through.id)).toBe(true);
  });

  it('a connection may move from its own password to a credential and back (PATCH)', async () => {
    const { groupId, credential } = await groupAndCredential();
    const own = (await userShare.post<Connection>(connections(), aConnection(groupId))).body;
    const moved = await userShare.patch<Connection>(`${connections()}/${own.id}`, { credentialId: credential.id });
    expect(moved.status).toBe(200);
    expect(moved.body.credentialId).toBe(credential.id);
    expect(await storedSecret(secretNameFor('connection', own.id))).toBeUndefined();
    // back to a password of its own: a secret under a new name (Key Vault keeps a deleted name taken)
    const back = await userShare.patch<Connection>(`${connections()}/${own.id}`, { password: GROUP_ACCOUNT.password });
    expect(back.status, back.text).toBe(200);
    expect(back.body).toMatchObject({ credentialsOutdated: false });
    expect(back.body.credentialId).toBeUndefined();
  });
});

describe('DELETE /environments/{env}/credentials/{id}', () => {
  it('refuses while connections reference it (409 ResourceInUse); then deletes it with its secret', async () => {
    const { groupId, credential } = await groupAndCredential();
    const through = (await connectThrough(userShare, groupId, credential.id)).body;
    const inUse = await owner.delete<Problem>(credentialPath(credential.id));
    expect(inUse.status).toBe(409);
    expect(inUse.body.code).toBe('ResourceInUse');
    expect((await userShare.delete(`${connections()}/${through.id}`)).status).toBe(204);
    expect((await owner.delete(credentialPath(credential.id))).status).toBe(204);
    expect((await owner.get(credentialPath(credential.id))).status).toBe(404);
    expect(await storedCredentialSecret(credential.id)).toBeUndefined();
  });
});

describe('credentials naming an existing Key Vault secret (keyVaultSecretUri)', () => {
  // Locally the secret is written to the local Key Vault peer with the real SDK and read back through the app's
  // SecretStore port (KeyVaultSecretStore): the same code path as Azure, where the app's identity must hold a
  // role that reads it. Only secrets of the app's own vault are supported.
  it("reads a secret of the app's vault through the secret store, by latest or pinned version, and never deletes it", async () => {
    const name = `external-runner-${randomUUID().slice(0, 8)}`;
    const written = await vault().setSecret(name, GROUP_ACCOUNT.password);
    const base = localCloud().settings.KEYVAULT_URL;
    const group = await createGroup(owner, envId, imageId);

    const latest = await owner.post<Credential>(credentials(), aCredential({ password: undefined, keyVaultSecretUri: `${base}/secrets/${name}` }));
    expect(latest.status, latest.text).toBe(201);
    expect(latest.body).toMatchObject({ source: 'keyVault', keyVaultSecretUri: `${base}/secrets/${name}` });
    const pinned = await owner.post<Credential>(
      credentials(),
      aCredential({ password: undefined, keyVaultSecretUri: `${base}/secrets/${name}/${written.properties.version}` }),
    );
    expect(pinned.status, pinned.text).toBe(201);

    const through = await connectThrough(owner, group.id, latest.body.id);
    expect(through.status, through.text).toBe(201);
    // the app may not write a secret it was only given: a rotation cannot name it
    const rotation = await owner.patch<Problem>(groupPath(group.id), { account: { password: password(), credentialId: latest.body.id } });
    expect(rotation.status).toBe(422);
    expect(rotation.body.reason).toBe('CredentialNotWritable');

    expect((await owner.delete(`${connections()}/${through.body.id}`)).status).toBe(204);
    expect((await owner.delete(credentialPath(latest.body.id))).status).toBe(204);
    expect(await storedSecret(name)).toBe(GROUP_ACCOUNT.password);
  });

  it.each([
    ['another vault', () => 'https://elsewhere.vault.azure.net/secrets/runner'],
    ['a secret that does not exist', () => `${localCloud().settings.KEYVAULT_URL}/secrets/no-such-secret-${randomUUID().slice(0, 8)}`],
    ["a group's account secret (the app's own)", () => `${localCloud().settings.KEYVAULT_URL}/secrets/${secretNameFor('group-account', RANDOM_ID)}`],
    ['the bot signing key', () => `${localCloud().settings.KEYVAULT_URL}/secrets/bot-credential-signing-key`],
  ])('refuses %s (422 SecretNotReadable)', async (_what, uri) => {
    const res = await owner.post<Problem>(credentials(), aCredential({ password: undefined, keyVaultSecretUri: uri() }));
    expect(res.status).toBe(422);
    expect(res.body.reason).toBe('SecretNotReadable');
  });
});

describe('secret hygiene', () => {
  it('keeps credential passwords out of every response and every Cosmos document', async () => {
    const stored = JSON.stringify(await rawDocuments(envId));
    expect(stored).toContain('"credential"');
    expect(responses.length).toBeGreaterThan(50);
    const everything = [stored, ...responses].join('\n');
    for (const secret of passwords) expect(everything.includes(secret), 'a password leaked').toBe(false);
  });
});
