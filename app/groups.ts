import type { Principal } from '../domain/principal.js';
import { canSeeAllGroupConnections, groupAccess } from '../domain/access-rules.js';
import type { ConnectionDocument } from '../domain/connection.js';
import { GROUP, type GroupDocument, type ProvisioningError } from '../domain/group.js';
import type { Versioned } from './ports/document-store.js';
import { loadEnvironmentContext } from './environments/environment-context.js';
import { loadGroup, viewOf, viewsOf, type GroupReadPorts, type GroupView } from './groups/load-group.js';

/** What the group queries need. */
export type GroupQueryPorts = GroupReadPorts;

export { createGroup, type CreateGroupInput } from './groups/create-group.js';
export { getGroupAccess, setGroupAccess, type GroupAccessEntry, type GroupAccessList } from './groups/group-access.js';
export type { GroupView } from './groups/load-group.js';
export { reactivateGroup } from './groups/reactivate-group.js';
export { deleteGroup, updateGroup, type UpdateGroupInput } from './groups/update-group.js';

/**
 * The groups the caller may see, with their run and bot counts. While the environment's `hostedRpaEnabled`
 * switch is off the list is empty: groups are hidden, not changed, and reappear when it is turned back on.
 */
export async function listGroups(deps: GroupQueryPorts, principal: Principal, environmentId: string): Promise<GroupView[]> {
  const { env, member } = await loadEnvironmentContext(deps, environmentId, principal);
  if (!env.hostedRpaEnabled) return [];
  const { items } = await deps.store.list<GroupDocument>(env.id, GROUP, { orderBy: 'createdAt' });
  return viewsOf(
    deps,
    env.id,
    member,
    items.filter((group) => groupAccess(member, group) !== 'none'),
  );
}

export async function getGroup(deps: GroupQueryPorts, principal: Principal, environmentId: string, groupId: string): Promise<GroupView> {
  const { env, member, group } = await loadGroup(deps, principal, environmentId, groupId, 'use');
  return viewOf(deps, env.id, member, group);
}

/**
 * Connections that lead to the group: what deleting it would break. Its managers (owner, CoOwners,
 * SystemAdministrators) see everyone's; a User-share holder sees only its own.
 */
export async function listGroupConnections(
  deps: GroupQueryPorts,
  principal: Principal,
  environmentId: string,
  groupId: string,
): Promise<Versioned<ConnectionDocument>[]> {
  const { env, member, group } = await loadGroup(deps, principal, environmentId, groupId, 'use');
  const { items } = await deps.store.list<ConnectionDocument>(env.id, 'connection', { where: { groupId: group.id }, orderBy: 'createdAt' });
  return canSeeAllGroupConnections(member, group) ? items : items.filter((c) => c.ownerId === member.userId);
}

/** The group's recorded provisioning failures, newest first. */
export async function listGroupErrors(deps: GroupQueryPorts, principal: Principal, environmentId: string, groupId: string): Promise<ProvisioningError[]> {
  const { group } = await loadGroup(deps, principal, environmentId, groupId, 'use');
  return [...group.provisioningErrors].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}
