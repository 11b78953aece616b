import type { Principal } from '../../domain/principal.js';
import {
  canCreateConnection,
  canHoldConnections,
  canManageEnvironment,
  canRunOnGroup,
  credentialAccess,
  groupAccess,
  type Membership,
} from '../../domain/access-rules.js';
import { connectionAccountVersion, type ConnectionDocument } from '../../domain/connection.js';
import { credentialMatches, type CredentialDocument } from '../../domain/credential.js';
import type { EnvironmentDocument } from '../../domain/environment.js';
import { accountVersionOf, GROUP, type GroupDocument, type GroupStatus } from '../../domain/group.js';
import { canSubmitRun } from '../../domain/run.js';
import { AppError } from '../../domain/errors/app-error.js';
import { secretNameFor, type SecretReference } from '../ports/secret-store.js';
import { StalePreconditionError, type Versioned } from '../ports/document-store.js';
import {
  credentialPassword,
  findCredential,
  groupPasswordEquals,
  recordCredentialMatch,
  requireCredential,
  sameAccountName,
  type CredentialPorts,
} from './credentials.js';
import { checkIfMatch, loadEnvironmentContext } from '../environments/environment-context.js';
import { bestEffort } from '../errors/best-effort.js';

/** What the connection use cases need (the credential ones: a connection may name a credential). */
export type ConnectionPorts = CredentialPorts;

/** The group's local account as a username and password, or a credential that holds them. */
export type ConnectionCredentials = { username: string; password: string } | { credentialId: string };

/** `username` and `password`, or `credentialId` (the route's schema lets exactly one kind through). */
export interface CreateConnectionInput {
  name: string;
  groupId: string;
  username?: string | undefined;
  password?: string | undefined;
  credentialId?: string | undefined;
}

function credentialsGiven(input: Omit<CreateConnectionInput, 'name' | 'groupId'>): ConnectionCredentials {
  if (input.credentialId !== undefined) return { credentialId: input.credentialId };
  if (input.username === undefined || input.password === undefined)
    throw AppError.validation([{ field: 'password', message: 'Give username and password, or credentialId.' }]);
  return { username: input.username, password: input.password };
}

/** PATCH: a new name, and new credentials (a password of its own, or a credential to reference). */
export interface UpdateConnectionInput {
  name?: string | undefined;
  password?: string | undefined;
  credentialId?: string | undefined;
}

export interface ConnectionView {
  connection: Versioned<ConnectionDocument>;
  /** `deleted` when the inactivity timer marked the group deleted or a user deleted it (document gone) */
  groupStatus: GroupStatus;
  /** the group's account password changed since the connection's password was checked: runs answer 422 until its owner updates it */
  credentialsOutdated: boolean;
}

const CONNECTION = 'connection' satisfies ConnectionDocument['type'];
const CREDENTIAL = 'credential' satisfies CredentialDocument['type'];

const invalidCredentials = () =>
  new AppError('InvalidCredentials', "The password is not the group's account password; ask the group's owner for the current one.", {
    reason: 'InvalidCredentials',
  });
const usernameMismatch = () =>
  AppError.rule('UsernameMismatch', "Only the group's local account is supported: the username must be the group's account username.");

async function findGroup(deps: Pick<ConnectionPorts, 'store'>, environmentId: string, groupId: string): Promise<Versioned<GroupDocument> | undefined> {
  const group = await deps.store.get<GroupDocument>(environmentId, groupId);
  return group?.type === GROUP ? group : undefined;
}

/** The owner, SystemAdministrators and the managers (owner, CoOwners) of its group see and delete a connection. */
function canSeeConnection(member: Membership, connection: ConnectionDocument, group: GroupDocument | undefined): boolean {
  if (!member.active) return false;
  if (connection.ownerId === member.userId || canManageEnvironment(member)) return true;
  return group !== undefined && groupAccess(member, group) === 'manage';
}

function statusOf(group: GroupDocument | undefined): GroupStatus {
  return group?.status ?? 'deleted';
}

/**
 * Whether the connection's password is still the group's account password as far as the documents tell: its own
 * password was checked against the group's current account version, or its credential's was. No secret is read.
 */
function isCurrent(connection: ConnectionDocument, group: GroupDocument, credential: Pick<CredentialDocument, 'matches'> | undefined): boolean {
  if (connection.credentialId !== undefined) return credential !== undefined && credentialMatches(credential, group.id, accountVersionOf(group));
  return connectionAccountVersion(connection) === accountVersionOf(group);
}

function viewOf(connection: Versioned<ConnectionDocument>, group: GroupDocument | undefined, credential: CredentialDocument | undefined): ConnectionView {
  return { connection, groupStatus: statusOf(group), credentialsOutdated: group !== undefined && !isCurrent(connection, group, credential) };
}

async function credentialOf(deps: Pick<ConnectionPorts, 'store'>, connection: ConnectionDocument): Promise<Versioned<CredentialDocument> | undefined> {
  return connection.credentialId === undefined ? undefined : findCredential(deps, connection.environmentId, connection.credentialId);
}

/**
 * A connection of the environment by its id (a lowercased GUID: parsed at the edge, or by the body's schema), with its
 * group (absent once a user deleted it); 404 when there is none.
 */
export async function findConnection(
  deps: Pick<ConnectionPorts, 'store'>,
  environmentId: string,
  connectionId: string,
): Promise<{ connection: Versioned<ConnectionDocument>; group: Versioned<GroupDocument> | undefined }> {
  const connection = await deps.store.get<ConnectionDocument>(environmentId, connectionId);
  if (!connection || connection.type !== CONNECTION) throw AppError.notFound('Connection');
  return { connection, group: await findGroup(deps, environmentId, connection.groupId) };
}

/**
 * The group a connection leads to, for using it (submitting a run): 422 `GroupDeleted` when the group was
 * deleted by a user (document gone) or marked deleted by the inactivity timer.
 */
export function requireUsableGroup(connection: ConnectionDocument, group: Versioned<GroupDocument> | undefined): Versioned<GroupDocument> {
  if (!group || group.status !== 'active') {
    throw AppError.rule('GroupDeleted', `The group ${connection.groupId} of connection ${connection.id} was deleted; the connection can no longer be used.`);
  }
  return group;
}

const groupAccessRevoked = (connection: ConnectionDocument) =>
  new AppError(
    'GroupAccessRevoked',
    `You no longer have use of the group ${connection.groupId} (its owner, a User or CoOwner share, or the SystemAdministrator role); connection ${connection.id} cannot be used until you do.`,
    { reason: 'GroupAccessRevoked' },
  );

/**
 * What using a connection (submitting a run) needs besides the group being there, checked from documents only:
 * 1. holding the connection (its owner; SystemAdministrators may use any): 403; an owner who lost the role that let
 *    them hold it gets `GroupAccessRevoked`;
 * 2. the caller's *current* use of the group (owner, User/CoOwner share, SystemAdministrator): 403 `GroupAccessRevoked`;
 * 3. for a connection through a credential, still being allowed to reference it: 403 `CredentialAccessRevoked`;
 * 4. credentials checked against the group's current account version: 422 `CredentialsOutdated` after a rotation.
 */
export async function requireUsableConnection(
  // documents only: the secret store is out of reach here, so a submit never reads a secret
  deps: Pick<ConnectionPorts, 'store'>,
  member: Membership,
  connection: Versioned<ConnectionDocument>,
  found: Versioned<GroupDocument> | undefined,
): Promise<Versioned<GroupDocument>> {
  if (!canSubmitRun(member, connection)) {
    if (connection.ownerId === member.userId) throw groupAccessRevoked(connection);
    throw AppError.forbidden('Submitting a run needs a connection you own (SystemAdministrators may use any connection of the environment).');
  }
  const group = requireUsableGroup(connection, found);
  if (!canRunOnGroup(member, group)) throw groupAccessRevoked(connection);
  const credential = await credentialOf(deps, connection);
  if (credential && credentialAccess(member, credential) === 'none') {
    throw new AppError(
      'CredentialAccessRevoked',
      `You may no longer reference the credential of connection ${connection.id}; ask its owner to share it with you again, or give the connection a password of its own.`,
      {
        reason: 'CredentialAccessRevoked',
      },
    );
  }
  if (!isCurrent(connection, group, credential)) {
    const what = connection.credentialId === undefined ? "PATCH the connection with the group's new password" : 'rotate its credential to the new password';
    throw new AppError('CredentialsOutdated', `The group's account password changed since connection ${connection.id} was checked: ${what}.`, {
      reason: 'CredentialsOutdated',
    });
  }
  return group;
}

function refuseWhenHostedRpaDisabled(env: EnvironmentDocument): void {
  if (!env.hostedRpaEnabled) throw AppError.rule('HostedRpaDisabled', 'Hosted RPA is turned off in this environment (hostedRpaEnabled is false).');
}

type CheckedCredentials = { password: string; accountVersion: number } | { credential: Versioned<CredentialDocument> };

/**
 * Checks credentials against the group's local account: the username (422 `UsernameMismatch`), then the password
 * (read from the secret store, compared in constant time: 422 `InvalidCredentials`). A credential must be visible to
 * the caller (404 otherwise); a match is recorded on it, so that its connections' submits need no secret read.
 */
async function checkCredentials(
  deps: ConnectionPorts,
  env: EnvironmentDocument,
  member: Membership,
  group: Versioned<GroupDocument>,
  given: ConnectionCredentials,
): Promise<CheckedCredentials> {
  const accountVersion = accountVersionOf(group);
  if ('credentialId' in given) {
    const credential = await requireCredential(deps, env, member, given.credentialId.toLowerCase(), 'use');
    if (!sameAccountName(credential.username, group.account.username)) throw usernameMismatch();
    if (!(await groupPasswordEquals(deps, group, await credentialPassword(deps, credential)))) throw invalidCredentials();
    await recordCredentialMatch(deps, credential, group.id, accountVersion);
    return { credential };
  }
  if (!sameAccountName(given.username, group.account.username)) throw usernameMismatch();
  if (!(await groupPasswordEquals(deps, group, given.password))) throw invalidCredentials();
  return { password: given.password, accountVersion };
}

/**
 * The connection's own password goes to the secret store only (a new version of its secret on each change); the
 * document keeps the reference. A connection that had moved to a credential gets a secret under a new name: its
 * old one was deleted, and Key Vault keeps deleted names taken (soft delete) until they are purged.
 */
async function storePassword(
  deps: ConnectionPorts,
  environmentId: string,
  connectionId: string,
  password: string,
  current?: { name: string } | 'new-name',
): Promise<SecretReference> {
  const name =
    current === undefined
      ? secretNameFor('connection', connectionId)
      : current === 'new-name'
        ? secretNameFor('connection', `${connectionId}.${deps.newId()}`)
        : current.name;
  return deps.secrets.set(name, password, { environmentId, connectionId });
}

/**
 * Creates a direct-to-machine, unattended connection to a group with the group's local account: a username and
 * the account's password, or a credential that holds them.
 */
export async function createConnection(
  deps: ConnectionPorts,
  principal: Principal,
  environmentId: string,
  input: CreateConnectionInput,
): Promise<ConnectionView> {
  const { env, member } = await loadEnvironmentContext(deps, environmentId, principal);
  if (!canHoldConnections(member)) {
    throw AppError.forbidden('Creating connections needs the SystemAdministrator, EnvironmentMaker, DesktopFlowsMachineOwner or BasicUser role.');
  }
  refuseWhenHostedRpaDisabled(env);
  const group = await findGroup(deps, env.id, input.groupId.toLowerCase());
  // a group the caller may not see does not exist for them
  if (!group || groupAccess(member, group) === 'none') throw AppError.notFound('Group');
  if (!canCreateConnection(member, group)) throw AppError.forbidden('Creating a connection needs User or CoOwner access to the group, or owning it.');
  if (group.status !== 'active') throw AppError.rule('GroupDeleted', `The group ${group.name} was deleted; it accepts no new connections.`);
  const checked = await checkCredentials(deps, env, member, group, credentialsGiven(input));

  const id = deps.newId();
  const password = 'password' in checked ? await storePassword(deps, env.id, id, checked.password) : undefined;
  const now = deps.now().toISOString();
  try {
    const connection = await deps.store.create<ConnectionDocument>({
      id,
      environmentId: env.id,
      type: CONNECTION,
      name: input.name,
      groupId: group.id,
      kind: 'direct-to-machine',
      runMode: 'unattended',
      // the account's own spelling: it is what the bot signs in with
      username: group.account.username,
      ...('credential' in checked ? { credentialId: checked.credential.id } : { password, accountVersion: checked.accountVersion }),
      ownerId: principal.userId,
      createdAt: now,
      updatedAt: now,
    });
    return viewOf(connection, group, 'credential' in checked ? await credentialOf(deps, connection) : undefined);
  } catch (err) {
    // no document refers to the secret: do not leave it behind
    if (password) await bestEffort(deps.secrets.delete(password), `removing the password secret of a connection that failed to be created`);
    throw err;
  }
}

/** Connections the caller owns; SystemAdministrators see all, group managers those of their groups. */
export async function listConnections(deps: ConnectionPorts, principal: Principal, environmentId: string): Promise<ConnectionView[]> {
  const { env, member } = await loadEnvironmentContext(deps, environmentId, principal);
  const [connections, groups, credentials] = await Promise.all([
    deps.store.list<ConnectionDocument>(env.id, CONNECTION, { orderBy: 'createdAt' }),
    deps.store.list<GroupDocument>(env.id, GROUP),
    deps.store.list<CredentialDocument>(env.id, CREDENTIAL),
  ]);
  const groupsById = new Map(groups.items.map((g) => [g.id, g]));
  const credentialsById = new Map(credentials.items.map((c) => [c.id, c]));
  return connections.items
    .map((connection) => ({ connection, group: groupsById.get(connection.groupId) }))
    .filter(({ connection, group }) => canSeeConnection(member, connection, group))
    .map(({ connection, group }) =>
      viewOf(connection, group, connection.credentialId === undefined ? undefined : credentialsById.get(connection.credentialId)),
    );
}

export async function getConnection(deps: ConnectionPorts, principal: Principal, environmentId: string, connectionId: string): Promise<ConnectionView> {
  const { env, member } = await loadEnvironmentContext(deps, environmentId, principal);
  const { connection, group } = await findConnection(deps, env.id, connectionId);
  if (!canSeeConnection(member, connection, group)) throw AppError.notFound('Connection');
  return viewOf(connection, group, await credentialOf(deps, connection));
}

const staleConnection = () => new AppError('PreconditionFailed', 'The connection changed since you read it (If-Match).');

/**
 * Renames a connection, or gives it new credentials after the group's account password was rotated (its owner
 * only, under If-Match): a password of its own (checked like at create; a new secret version) or a credential to
 * reference instead. Needs the owner's current use of the group, like a submit.
 */
export async function updateConnection(
  deps: ConnectionPorts,
  principal: Principal,
  environmentId: string,
  connectionId: string,
  input: UpdateConnectionInput,
  ifMatch: string | undefined,
): Promise<ConnectionView> {
  const { env, member } = await loadEnvironmentContext(deps, environmentId, principal);
  const { connection, group: found } = await findConnection(deps, env.id, connectionId);
  if (!canSeeConnection(member, connection, found)) throw AppError.notFound('Connection');
  if (connection.ownerId !== member.userId) throw AppError.forbidden("Only the connection's owner may change it (others who see it may delete it).");
  checkIfMatch(ifMatch, connection.etag);
  const next: Versioned<ConnectionDocument> = { ...connection, name: input.name ?? connection.name, updatedAt: deps.now().toISOString() };
  let newPassword: SecretReference | undefined;
  if (input.password !== undefined || input.credentialId !== undefined) {
    const group = requireUsableGroup(connection, found);
    if (!canRunOnGroup(member, group)) throw groupAccessRevoked(connection);
    const given: ConnectionCredentials =
      input.password !== undefined ? { username: connection.username, password: input.password } : { credentialId: input.credentialId ?? '' };
    const checked = await checkCredentials(deps, env, member, group, given);
    if ('credential' in checked) {
      next.credentialId = checked.credential.id;
      delete next.password;
      delete next.accountVersion;
    } else {
      newPassword = await storePassword(deps, env.id, connection.id, checked.password, connection.password ?? 'new-name');
      next.password = newPassword;
      next.accountVersion = checked.accountVersion;
      delete next.credentialId;
    }
  }
  let saved: Versioned<ConnectionDocument>;
  try {
    saved = await deps.store.replace(next, connection.etag);
  } catch (err) {
    if (err instanceof StalePreconditionError) throw staleConnection();
    throw err;
  }
  // a connection that now references a credential keeps no password of its own
  if (connection.password && !saved.password) await deps.secrets.delete(connection.password);
  return viewOf(saved, found, await credentialOf(deps, saved));
}

/** Deletes the connection and then its secret (a failure in between leaves only an unreferenced secret). */
export async function deleteConnection(
  deps: ConnectionPorts,
  principal: Principal,
  environmentId: string,
  connectionId: string,
  ifMatch: string | undefined,
): Promise<void> {
  const { env, member } = await loadEnvironmentContext(deps, environmentId, principal);
  const { connection, group } = await findConnection(deps, env.id, connectionId);
  if (!canSeeConnection(member, connection, group)) throw AppError.notFound('Connection');
  checkIfMatch(ifMatch, connection.etag);
  try {
    await deps.store.delete(env.id, connection.id, connection.etag);
  } catch (err) {
    if (err instanceof StalePreconditionError) throw staleConnection();
    throw err;
  }
  // a connection through a credential has no secret of its own (the credential's stays with the credential)
  if (connection.password) await deps.secrets.delete(connection.password);
}
