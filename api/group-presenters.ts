import type { ConnectionDocument } from '../domain/connection.js';
import type { ProvisioningError } from '../domain/group.js';
import type { GroupView } from '../app/groups.js';
import type { Versioned } from '../app/ports/document-store.js';

/**
 * A group as lists show it: the document minus its partition key, type, account and shares (those are
 * served by the details and by `/access`), plus the caller's access type and live counts.
 */
export function groupResource(view: GroupView) {
  const { group } = view;
  return {
    id: group.id,
    etag: group.etag,
    name: group.name,
    description: group.description,
    status: group.status,
    maintenance: group.maintenance,
    maxBots: group.maxBots,
    committedBots: group.committedBots,
    imageId: group.imageId,
    runningCount: view.runs.running,
    queuedCount: view.runs.queued,
    activeBots: view.activeBots,
    accessType: view.accessType,
    owner: group.ownerId,
    ownerId: group.ownerId,
    ...(view.ownerName === undefined ? {} : { ownerName: view.ownerName }),
    createdAt: group.createdAt,
    updatedAt: group.updatedAt,
    ...(group.deletedAt === undefined ? {} : { deletedAt: group.deletedAt }),
    ...(group.deletedReason === undefined ? {} : { deletedReason: group.deletedReason }),
    ...(group.reactivatedAt === undefined ? {} : { reactivatedAt: group.reactivatedAt }),
    ...(group.lastRunStartedAt === undefined ? {} : { lastRunStartedAt: group.lastRunStartedAt }),
    ...(group.targetWaitMinutes === undefined ? {} : { targetWaitMinutes: group.targetWaitMinutes }),
    ...(group.minUtilization === undefined ? {} : { minUtilization: group.minUtilization }),
    ...(group.capacitySchedule === undefined || group.capacitySchedule.length === 0
      ? {}
      : { capacitySchedule: group.capacitySchedule.map((w) => ({ from: w.from, to: w.to, committedBots: w.committedBots })) }),
  };
}

/** The details: the list shape, the account's username (never its password nor the secret's reference) and the error count. */
export function groupDetailsResource(view: GroupView) {
  return {
    ...groupResource(view),
    account: { username: view.group.account.username },
    provisioningErrorCount: view.group.provisioningErrors.length,
  };
}

/** A connection leading to the group: who holds it and with which username; never a password. */
export function groupConnectionResource(c: Versioned<ConnectionDocument>) {
  return {
    id: c.id,
    etag: c.etag,
    name: c.name,
    groupId: c.groupId,
    username: c.username,
    ownerId: c.ownerId,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

export function provisioningErrorResource(e: ProvisioningError) {
  return { at: e.at, botId: e.botId, reason: e.reason };
}
