import type { Principal } from '../../auth/principal.js';
import type { Services } from '../../composition/services.js';
import type { GroupDocument } from '../../domain/group.js';
import type { Share } from '../../domain/roles.js';
import { AppError } from '../../errors/app-error.js';
import { StalePreconditionError, type Versioned } from '../../store/document-store.js';
import { checkIfMatch } from '../environment-context.js';
import { memberStatus } from '../members.js';
import { loadGroup, refuseDeleted, staleGroup } from './load-group.js';

export interface GroupAccessEntry {
  userId: string;
  permission: Share['permission'];
  deactivated: boolean;
}

export interface GroupAccessList {
  group: Versioned<GroupDocument>;
  items: GroupAccessEntry[];
}

function shareList(shares: readonly Share[], members: Map<string, { active: boolean }>): GroupAccessEntry[] {
  // a share whose user was deactivated stays listed, flagged, so that it can be cleaned up
  return shares.map((s) => ({ userId: s.userId, permission: s.permission, deactivated: members.get(s.userId)?.active !== true }));
}

export async function getGroupAccess(deps: Services, principal: Principal, environmentId: string | undefined, groupId: string | undefined): Promise<GroupAccessList> {
  const { env, group } = await loadGroup(deps, principal, environmentId, groupId, 'manage');
  return { group, items: shareList(group.shares, await memberStatus(deps, env.id)) };
}

/** Replaces the group's whole access list under If-Match (the group's etag); every user must be a member of the environment. */
export async function setGroupAccess(
  deps: Services,
  principal: Principal,
  environmentId: string | undefined,
  groupId: string | undefined,
  shares: readonly Share[],
  ifMatch: string | undefined,
): Promise<GroupAccessList> {
  const { env, group } = await loadGroup(deps, principal, environmentId, groupId, 'manage');
  checkIfMatch(ifMatch, group.etag);
  refuseDeleted(group);
  const members = await memberStatus(deps, env.id);
  const stranger = shares.find((s) => !members.has(s.userId));
  if (stranger) throw AppError.rule('NotAMember', `User ${stranger.userId} is not a member of this environment; add them as a member before sharing with them.`);
  const next: Versioned<GroupDocument> = {
    ...group,
    shares: shares.map((s) => ({ userId: s.userId, permission: s.permission })),
    updatedAt: deps.now().toISOString(),
  };
  try {
    const saved = await deps.store.replace(next, group.etag);
    return { group: saved, items: shareList(saved.shares, members) };
  } catch (err) {
    if (err instanceof StalePreconditionError) throw staleGroup();
    throw err;
  }
}
