import type { Principal } from '../../domain/principal.js';
import type { GroupDocument } from '../../domain/group.js';
import type { Share } from '../../domain/roles.js';
import type { Versioned } from '../ports/document-store.js';
import { checkIfMatch } from '../environments/environment-context.js';
import { readAccessList, replaceAccessList, type AccessEntry } from '../environments/shares.js';
import { loadGroup, refuseDeleted, staleGroup, type GroupReadPorts } from './load-group.js';

/** What reading and replacing a group's access list needs. */
export type GroupAccessPorts = GroupReadPorts;

export type GroupAccessEntry = AccessEntry;

export interface GroupAccessList {
  group: Versioned<GroupDocument>;
  items: AccessEntry[];
}

export async function getGroupAccess(deps: GroupAccessPorts, principal: Principal, environmentId: string, groupId: string): Promise<GroupAccessList> {
  const { group } = await loadGroup(deps, principal, environmentId, groupId, 'manage');
  return { group, items: await readAccessList(deps, group) };
}

/** Replaces the group's whole access list under If-Match (the group's etag); every user must be a member of the environment. */
export async function setGroupAccess(
  deps: GroupAccessPorts,
  principal: Principal,
  environmentId: string,
  groupId: string,
  shares: readonly Share[],
  ifMatch: string | undefined,
): Promise<GroupAccessList> {
  const { group } = await loadGroup(deps, principal, environmentId, groupId, 'manage');
  checkIfMatch(ifMatch, group.etag);
  refuseDeleted(group);
  const { resource, items } = await replaceAccessList(deps, group, shares, ifMatch, staleGroup);
  return { group: resource, items };
}
