import { beforeEach, describe, expect, it } from 'vitest';
import type { Membership } from '../../../../domain/access-rules.js';
import type { ConnectionDocument } from '../../../../domain/connection.js';
import type { CredentialDocument } from '../../../../domain/credential.js';
import type { GroupDocument } from '../../../../domain/group.js';
import type { Role } from '../../../../domain/roles.js';
import { AppError } from '../../../../domain/errors/app-error.js';
import {
  createConnection,
  deleteConnection,
  getConnection,
  listConnections,
  requireUsableConnection,
  updateConnection,
} from '../../../../app/connections/connections.js';
import { createCredential } from '../../../../app/connections/credentials.js';
import {
  ENV as ENV_ID,
  seedEnvironment,
  seedGroup,
  seedMember,
  useCasePorts,
  userPrincipal,
  type UseCasePorts,
} from '../../../support/fakes/use-case-ports.js';
import type { DocumentStore, StoredDocument, Versioned } from '../../../../app/ports/document-store.js';

const ENV = 'env';
const NOW = '2026-01-01T00:00:00.000Z';

/** Point reads only: what a submit may touch (the type of `requireUsableConnection` keeps the secret store out of reach). */
function storeOf(...docs: Array<Versioned<StoredDocument>>): DocumentStore {
  const byId = new Map(docs.map((d) => [d.id, d]));
  const unused = () => Promise.reject(new Error('a submit only reads documents by id'));
  return {
    get: async <T extends StoredDocument>(_env: string, id: string) => byId.get(id) as Versioned<T> | undefined,
    create: unused,
    replace: unused,
    delete: unused,
    list: unused,
  };
}

const member = (userId: string, ...roles: Role[]): Membership => ({ userId, roles, active: true });

function aGroup(overrides: Partial<GroupDocument> = {}): Versioned<GroupDocument> {
  return {
    id: 'g1',
    environmentId: ENV,
    type: 'group',
    name: 'Invoices',
    description: '',
    maxBots: 1,
    committedBots: 0,
    imageId: 'img',
    account: { username: 'rpa-runner', password: { name: 'group-account-g1', version: 'v1' } },
    ownerId: 'owner',
    shares: [{ userId: 'user', permission: 'User' }],
    maintenance: false,
    status: 'active',
    provisioningErrors: [],
    createdAt: NOW,
    updatedAt: NOW,
    etag: 'g',
    ...overrides,
  };
}

function aConnection(overrides: Partial<ConnectionDocument> = {}): Versioned<ConnectionDocument> {
  return {
    id: 'c1',
    environmentId: ENV,
    type: 'connection',
    name: 'Runner',
    groupId: 'g1',
    kind: 'direct-to-machine',
    runMode: 'unattended',
    username: 'rpa-runner',
    password: { name: 'connection-c1', version: 'v1' },
    ownerId: 'user',
    createdAt: NOW,
    updatedAt: NOW,
    etag: 'c',
    ...overrides,
  };
}

function aCredential(overrides: Partial<CredentialDocument> = {}): Versioned<CredentialDocument> {
  return {
    id: 'k1',
    environmentId: ENV,
    type: 'credential',
    name: 'Runner',
    username: 'rpa-runner',
    secret: { source: 'secretStore', ref: { name: 'credential-k1', version: 'v1' } },
    ownerId: 'owner',
    shares: [{ userId: 'user', permission: 'User' }],
    matches: { g1: 1 },
    passwordChangedAt: NOW,
    createdAt: NOW,
    updatedAt: NOW,
    etag: 'k',
    ...overrides,
  };
}

/** The outcome of a submit's checks: `ok`, or the error code (and reason) it answers. */
async function outcome(
  m: Membership,
  connection: Versioned<ConnectionDocument>,
  group: Versioned<GroupDocument> | undefined,
  ...others: Array<Versioned<StoredDocument>>
): Promise<string> {
  try {
    await requireUsableConnection({ store: storeOf(...others) }, m, connection, group);
    return 'ok';
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const { reason } = err.options;
    return reason && reason !== err.code ? `${err.code}:${reason}` : err.code;
  }
}

describe('requireUsableConnection (what a submit checks, from documents only)', () => {
  const user = member('user', 'BasicUser');
  const rotated = aGroup({ account: { ...aGroup().account, version: 2 } });

  it.each<[string, Membership, Versioned<ConnectionDocument>, Versioned<GroupDocument> | undefined, Array<Versioned<StoredDocument>>, string]>([
    ['its owner with a User share', user, aConnection(), aGroup(), [], 'ok'],
    ['its owner after the share was removed', user, aConnection(), aGroup({ shares: [] }), [], 'GroupAccessRevoked'],
    ['its owner after losing every connecting role', member('user', 'DesktopFlowsMachineImageAdmin'), aConnection(), aGroup(), [], 'GroupAccessRevoked'],
    [
      'someone else with a share',
      member('other', 'BasicUser'),
      aConnection(),
      aGroup({ shares: [{ userId: 'other', permission: 'CoOwner' }] }),
      [],
      'Forbidden',
    ],
    ['a SystemAdministrator, anyone’s connection', member('admin', 'SystemAdministrator'), aConnection(), aGroup(), [], 'ok'],
    ['a group gone', user, aConnection(), undefined, [], 'BusinessRuleViolated:GroupDeleted'],
    ['a group marked deleted', user, aConnection(), aGroup({ status: 'deleted' }), [], 'BusinessRuleViolated:GroupDeleted'],
    ['its own password, after a rotation', user, aConnection(), rotated, [], 'CredentialsOutdated'],
    ['its own password, updated after the rotation', user, aConnection({ accountVersion: 2 }), rotated, [], 'ok'],
    ['a credential that matches the group', user, aConnection({ password: undefined, credentialId: 'k1' }), aGroup(), [aCredential()], 'ok'],
    [
      'a credential checked before the rotation',
      user,
      aConnection({ password: undefined, credentialId: 'k1' }),
      rotated,
      [aCredential()],
      'CredentialsOutdated',
    ],
    [
      'a credential rotated with the group',
      user,
      aConnection({ password: undefined, credentialId: 'k1' }),
      rotated,
      [aCredential({ matches: { g1: 2 } })],
      'ok',
    ],
    [
      'a credential no longer shared with its user',
      user,
      aConnection({ password: undefined, credentialId: 'k1' }),
      aGroup(),
      [aCredential({ shares: [] })],
      'CredentialAccessRevoked',
    ],
    ['a credential that is gone', user, aConnection({ password: undefined, credentialId: 'k1' }), aGroup(), [], 'CredentialsOutdated'],
  ])('%s', async (_case, m, connection, group, others, expected) => {
    expect(await outcome(m, connection, group, ...others)).toBe(expected);
  });
});

describe('connection use cases, on in-memory ports', () => {
  const G1 = '55555555-5555-4555-8555-000000000001';
  const PASSWORD = 'Val1d-Passw0rd!';
  const user = userPrincipal('user');
  const input = { name: 'Runner', groupId: G1, username: 'RPA-RUNNER', password: PASSWORD };
  let ports: UseCasePorts;

  beforeEach(async () => {
    ports = useCasePorts();
    await seedEnvironment(ports.store);
    await seedMember(ports.store, 'owner', ['EnvironmentMaker']);
    await seedMember(ports.store, 'user', ['BasicUser']);
    await seedMember(ports.store, 'other', ['BasicUser']);
    await seedGroup(ports, G1, PASSWORD, { shares: [{ userId: 'user', permission: 'User' }] });
  });

  it("creates a connection with the group's account password: a secret of its own, the account's spelling of the name", async () => {
    const { connection, groupStatus, credentialsOutdated } = await createConnection(ports, user, ENV_ID, input);
    expect({ groupStatus, credentialsOutdated }).toEqual({ groupStatus: 'active', credentialsOutdated: false });
    expect(connection).toMatchObject({ groupId: G1, username: 'rpa-runner', ownerId: 'user', accountVersion: 1 });
    expect(JSON.stringify(connection)).not.toContain(PASSWORD);
    expect(ports.secrets.latest(connection.password!.name)).toBe(PASSWORD);
  });

  it('refuses a wrong password (422 InvalidCredentials) and a wrong account name (422 UsernameMismatch), storing nothing', async () => {
    await expect(createConnection(ports, user, ENV_ID, { ...input, password: 'wrong' })).rejects.toMatchObject({ code: 'InvalidCredentials' });
    await expect(createConnection(ports, user, ENV_ID, { ...input, username: 'administrator' })).rejects.toMatchObject({
      options: { reason: 'UsernameMismatch' },
    });
    expect(ports.store.ofType(ENV_ID, 'connection')).toEqual([]);
  });

  it('answers 404 for a group the caller may not see', async () => {
    await expect(createConnection(ports, userPrincipal('other'), ENV_ID, input)).rejects.toMatchObject({ code: 'NotFound' });
  });

  it('creates a connection through a credential with the same password, and records the match on the credential', async () => {
    const { credential } = await createCredential(ports, user, ENV_ID, { name: 'k', username: 'rpa-runner', password: PASSWORD });
    const { connection } = await createConnection(ports, user, ENV_ID, { name: 'Runner', groupId: G1, credentialId: credential.id });
    expect(connection.credentialId).toBe(credential.id);
    expect(connection.password).toBeUndefined();
    expect((await ports.store.get<CredentialDocument>(ENV_ID, credential.id))?.matches).toEqual({ [G1]: 1 });
  });

  it('lists and reads connections to their owner and the group managers, not to others', async () => {
    const { connection } = await createConnection(ports, user, ENV_ID, input);
    expect((await listConnections(ports, user, ENV_ID)).map((v) => v.connection.id)).toEqual([connection.id]);
    expect((await listConnections(ports, userPrincipal('owner'), ENV_ID)).map((v) => v.connection.id)).toEqual([connection.id]);
    expect(await listConnections(ports, userPrincipal('other'), ENV_ID)).toEqual([]);
    await expect(getConnection(ports, userPrincipal('other'), ENV_ID, connection.id)).rejects.toMatchObject({ code: 'NotFound' });
  });

  it('lets only the owner update it, under If-Match', async () => {
    const { connection } = await createConnection(ports, user, ENV_ID, input);
    await expect(updateConnection(ports, userPrincipal('owner'), ENV_ID, connection.id, { name: 'x' }, undefined)).rejects.toMatchObject({ code: 'Forbidden' });
    await expect(updateConnection(ports, user, ENV_ID, connection.id, { name: 'x' }, '"stale"')).rejects.toMatchObject({ code: 'PreconditionFailed' });
    expect((await updateConnection(ports, user, ENV_ID, connection.id, { name: 'Renamed' }, connection.etag)).connection.name).toBe('Renamed');
  });

  it("after the group's account rotation: outdated until its owner gives the new password (a new version of its secret)", async () => {
    const { connection } = await createConnection(ports, user, ENV_ID, input);
    const group = await ports.store.get<GroupDocument>(ENV_ID, G1);
    const password = await ports.secrets.set(group!.account.password.name, 'New-Passw0rd!');
    await ports.store.replace<GroupDocument>({ ...group!, account: { ...group!.account, password, version: 2 } }, group!.etag);
    expect((await getConnection(ports, user, ENV_ID, connection.id)).credentialsOutdated).toBe(true);
    await expect(updateConnection(ports, user, ENV_ID, connection.id, { password: PASSWORD }, undefined)).rejects.toMatchObject({ code: 'InvalidCredentials' });
    const updated = await updateConnection(ports, user, ENV_ID, connection.id, { password: 'New-Passw0rd!' }, connection.etag);
    expect(updated).toMatchObject({
      credentialsOutdated: false,
      connection: { accountVersion: 2, password: { name: connection.password!.name, version: '2' } },
    });
  });

  it('deletes the connection and its secret; a stale If-Match is 412', async () => {
    const { connection } = await createConnection(ports, user, ENV_ID, input);
    await expect(deleteConnection(ports, user, ENV_ID, connection.id, '"stale"')).rejects.toMatchObject({ code: 'PreconditionFailed' });
    await deleteConnection(ports, user, ENV_ID, connection.id, connection.etag);
    expect(ports.store.ofType(ENV_ID, 'connection')).toEqual([]);
    expect(ports.secrets.names()).not.toContain(connection.password!.name);
  });
});
