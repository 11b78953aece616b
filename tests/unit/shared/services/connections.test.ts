import { describe, expect, it } from 'vitest';
import type { Membership } from '../../../../shared/domain/access-rules.js';
import type { ConnectionDocument } from '../../../../shared/domain/connection.js';
import type { CredentialDocument } from '../../../../shared/domain/credential.js';
import type { GroupDocument } from '../../../../shared/domain/group.js';
import type { Role } from '../../../../shared/domain/roles.js';
import { AppError } from '../../../../shared/errors/app-error.js';
import { requireUsableConnection } from '../../../../shared/services/connections.js';
import type { DocumentStore, StoredDocument, Versioned } from '../../../../shared/store/document-store.js';

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
async function outcome(m: Membership, connection: Versioned<ConnectionDocument>, group: Versioned<GroupDocument> | undefined, ...others: Array<Versioned<StoredDocument>>): Promise<string> {
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
    ['someone else with a share', member('other', 'BasicUser'), aConnection(), aGroup({ shares: [{ userId: 'other', permission: 'CoOwner' }] }), [], 'Forbidden'],
    ['a SystemAdministrator, anyone’s connection', member('admin', 'SystemAdministrator'), aConnection(), aGroup(), [], 'ok'],
    ['a group gone', user, aConnection(), undefined, [], 'BusinessRuleViolated:GroupDeleted'],
    ['a group marked deleted', user, aConnection(), aGroup({ status: 'deleted' }), [], 'BusinessRuleViolated:GroupDeleted'],
    ['its own password, after a rotation', user, aConnection(), rotated, [], 'CredentialsOutdated'],
    ['its own password, updated after the rotation', user, aConnection({ accountVersion: 2 }), rotated, [], 'ok'],
    ['a credential that matches the group', user, aConnection({ password: undefined, credentialId: 'k1' }), aGroup(), [aCredential()], 'ok'],
    ['a credential checked before the rotation', user, aConnection({ password: undefined, credentialId: 'k1' }), rotated, [aCredential()], 'CredentialsOutdated'],
    ['a credential rotated with the group', user, aConnection({ password: undefined, credentialId: 'k1' }), rotated, [aCredential({ matches: { g1: 2 } })], 'ok'],
    ['a credential no longer shared with its user', user, aConnection({ password: undefined, credentialId: 'k1' }), aGroup(), [aCredential({ shares: [] })], 'CredentialAccessRevoked'],
    ['a credential that is gone', user, aConnection({ password: undefined, credentialId: 'k1' }), aGroup(), [], 'CredentialsOutdated'],
  ])('%s', async (_case, m, connection, group, others, expected) => {
    expect(await outcome(m, connection, group, ...others)).toBe(expected);
  });
});
