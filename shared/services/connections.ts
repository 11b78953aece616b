import type { Principal } from '../auth/principal.js';
import type { Services } from '../composition/services.js';
import { canCreateConnection, canManageEnvironment, groupAccess, type Membership } from '../domain/access-rules.js';
import type { ConnectionDocument } from '../domain/connection.js';
import type { EnvironmentDocument } from '../domain/environment.js';
import type { GroupDocument, GroupStatus } from '../domain/group.js';
import type { Role } from '../domain/roles.js';
import { requireGuid } from '../domain/validation.js';
import { AppError } from '../errors/app-error.js';
import { secretNameFor } from '../secrets/secret-store.js';
import { StalePreconditionError, type Versioned } from '../store/document-store.js';
import { checkIfMatch, loadEnvironmentContext } from './environment-context.js';

export interface CreateConnectionInput {
  name: string;
  groupId: string;
  username: string;
  password: string;
}

export interface ConnectionView {
  connection: Versioned<ConnectionDocument>;
  /** `deleted` when the inactivity timer marked the group deleted or a user deleted it (document gone) */
  groupStatus: GroupStatus;
}

const CONNECTION = 'connection' satisfies ConnectionDocument['type'];
const GROUP = 'group' satisfies GroupDocument['type'];

/** Roles that may hold a connection at all (PRODUCT.md: DesktopFlowsMachineImageAdmin alone may not). */
const CONNECTING_ROLES: readonly Role[] = ['SystemAdministrator', 'EnvironmentMaker', 'DesktopFlowsMachineOwner', 'BasicUser'];

/** Windows compares account names without regard to case (it upper-cases both). */
function sameAccountName(a: string, b: string): boolean {
  return a.toUpperCase() === b.toUpperCase();
}

async function findGroup(deps: Services, environmentId: string, groupId: string): Promise<Versioned<GroupDocument> | undefined> {
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

/** A connection of the environment by its path id, with its group (absent once a user deleted it); 404 when there is none. */
export async function findConnection(
  deps: Services,
  environmentId: string,
  connectionId: string | undefined,
): Promise<{ connection: Versioned<ConnectionDocument>; group: Versioned<GroupDocument> | undefined }> {
  const id = requireGuid(connectionId, 'Connection');
  const connection = await deps.store.get<ConnectionDocument>(environmentId, id);
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

function refuseWhenHostedRpaDisabled(env: EnvironmentDocument): void {
  if (!env.hostedRpaEnabled) throw AppError.rule('HostedRpaDisabled', 'Hosted RPA is turned off in this environment (hostedRpaEnabled is false).');
}

/**
 * Creates a direct-to-machine, unattended connection to a group with the group's local account. The password
 * goes to the secret store only; the document keeps its reference.
 */
export async function createConnection(deps: Services, principal: Principal, environmentId: string | undefined, input: CreateConnectionInput): Promise<ConnectionView> {
  const { env, member } = await loadEnvironmentContext(deps, environmentId, principal);
  if (!CONNECTING_ROLES.some((role) => member.roles.includes(role))) {
    throw AppError.forbidden('Creating connections needs the SystemAdministrator, EnvironmentMaker, DesktopFlowsMachineOwner or BasicUser role.');
  }
  refuseWhenHostedRpaDisabled(env);
  const group = await findGroup(deps, env.id, input.groupId.toLowerCase());
  // a group the caller may not see does not exist for them
  if (!group || groupAccess(member, group) === 'none') throw AppError.notFound('Group');
  if (!canCreateConnection(member, group)) throw AppError.forbidden('Creating a connection needs User or CoOwner access to the group, or owning it.');
  if (group.status !== 'active') throw AppError.rule('GroupDeleted', `The group ${group.name} was deleted; it accepts no new connections.`);
  if (!sameAccountName(input.username, group.account.username)) {
    throw AppError.rule('UsernameMismatch', "Only the group's local account is supported: the username must be the group's account username.");
  }

  const id = deps.newId();
  const password = await deps.secrets.set(secretNameFor('connection', id), input.password, { environmentId: env.id, connectionId: id });
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
      password,
      ownerId: principal.userId,
      createdAt: now,
      updatedAt: now,
    });
    return { connection, groupStatus: group.status };
  } catch (err) {
    // no document refers to the secret: do not leave it behind
    await deps.secrets.delete(password).catch(() => undefined);
    throw err;
  }
}

/** Connections the caller owns; SystemAdministrators see all, group managers those of their groups. */
export async function listConnections(deps: Services, principal: Principal, environmentId: string | undefined): Promise<ConnectionView[]> {
  const { env, member } = await loadEnvironmentContext(deps, environmentId, principal);
  const [connections, groups] = await Promise.all([
    deps.store.list<ConnectionDocument>(env.id, CONNECTION, { orderBy: 'createdAt' }),
    deps.store.list<GroupDocument>(env.id, GROUP),
  ]);
  const groupsById = new Map(groups.items.map((g) => [g.id, g]));
  return connections.items
    .map((connection) => ({ connection, group: groupsById.get(connection.groupId) }))
    .filter(({ connection, group }) => canSeeConnection(member, connection, group))
    .map(({ connection, group }) => ({ connection, groupStatus: statusOf(group) }));
}

export async function getConnection(deps: Services, principal: Principal, environmentId: string | undefined, connectionId: string | undefined): Promise<ConnectionView> {
  const { env, member } = await loadEnvironmentContext(deps, environmentId, principal);
  const { connection, group } = await findConnection(deps, env.id, connectionId);
  if (!canSeeConnection(member, connection, group)) throw AppError.notFound('Connection');
  return { connection, groupStatus: statusOf(group) };
}

/** Deletes the connection and then its secret (a failure in between leaves only an unreferenced secret). */
export async function deleteConnection(
  deps: Services,
  principal: Principal,
  environmentId: string | undefined,
  connectionId: string | undefined,
  ifMatch: string | undefined,
): Promise<void> {
  const { env, member } = await loadEnvironmentContext(deps, environmentId, principal);
  const { connection, group } = await findConnection(deps, env.id, connectionId);
  if (!canSeeConnection(member, connection, group)) throw AppError.notFound('Connection');
  checkIfMatch(ifMatch, connection.etag);
  try {
    await deps.store.delete(env.id, connection.id, connection.etag);
  } catch (err) {
    if (err instanceof StalePreconditionError) throw new AppError('PreconditionFailed', 'The connection changed since you read it (If-Match).');
    throw err;
  }
  await deps.secrets.delete(connection.password);
}
