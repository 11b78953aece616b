import { resumingDispatch, type DispatchChangePorts } from '../runs/dispatch-changes.js';
import type { Principal } from '../../domain/principal.js';
import { DELETED_FOR_INACTIVITY, type GroupDocument } from '../../domain/group.js';
import { AppError } from '../../domain/errors/app-error.js';
import { StalePreconditionError, type Versioned } from '../ports/document-store.js';
import { checkIfMatch } from '../environments/environment-context.js';
import { loadGroup, staleGroup, viewOf, type GroupReadPorts, type GroupView } from './load-group.js';

/** What reactivating a group needs: its reads, and dispatch resuming (its queue made sure of first). */
export type ReactivateGroupPorts = GroupReadPorts & DispatchChangePorts;

/**
 * Brings back a group the inactivity cleanup marked deleted (owner, CoOwner, SystemAdministrator), under If-Match:
 * active again with its name, image, account, shares and connections as they were, and its inactivity clock started
 * over. (The product this is modelled on makes you delete it, create a new one and reconfigure every connection.)
 * An active group is answered as it is. A group a user's DELETE left marked (it failed half-way) is not brought
 * back: a second DELETE finishes it.
 */
export async function reactivateGroup(
  deps: ReactivateGroupPorts,
  principal: Principal,
  environmentId: string,
  groupId: string,
  ifMatch: string | undefined,
): Promise<GroupView> {
  const { env, member, group } = await loadGroup(deps, principal, environmentId, groupId, 'manage');
  checkIfMatch(ifMatch, group.etag);
  if (group.status === 'active') return viewOf(deps, env.id, member, group);
  if (group.deletedReason !== DELETED_FOR_INACTIVITY) {
    throw AppError.rule('GroupDeleted', `The group "${group.name}" is being deleted at a user's request; DELETE it again to finish.`);
  }
  // the cleanup keeps the group's queue; a sweep may have found it missing since, so make sure before runs come
  await deps.queues.create(group.id);
  const now = deps.now().toISOString();
  const next: Versioned<GroupDocument> = { ...group, status: 'active', reactivatedAt: now, updatedAt: now };
  delete next.deletedAt;
  delete next.deletedReason;
  try {
    // dispatch resumes once the group is active again (its gate closed when it was marked deleted)
    return await viewOf(deps, env.id, member, await resumingDispatch(deps, env.id, [group.id], () => deps.store.replace(next, group.etag)));
  } catch (err) {
    if (err instanceof StalePreconditionError) throw staleGroup();
    throw err;
  }
}
