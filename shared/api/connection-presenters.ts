import type { ConnectionDocument } from '../domain/connection.js';
import type { GroupStatus } from '../domain/group.js';
import type { Versioned } from '../store/document-store.js';

/**
 * A connection as the API shows it: the credentials' username, never the password nor its secret reference.
 * `groupStatus` is `deleted` both for a group the inactivity timer marked deleted and for one a user deleted.
 */
export function connectionResource(c: Versioned<ConnectionDocument>, groupStatus: GroupStatus) {
  return {
    id: c.id,
    etag: c.etag,
    name: c.name,
    groupId: c.groupId,
    kind: c.kind,
    runMode: c.runMode,
    username: c.username,
    ownerId: c.ownerId,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    groupStatus,
  };
}
