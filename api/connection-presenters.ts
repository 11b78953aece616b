import type { ConnectionView } from '../app/connections/connections.js';

/**
 * A connection as the API shows it: the credentials' username (and the credential it references), never the
 * password nor its secret reference. `groupStatus` is `deleted` both for a group the inactivity timer marked
 * deleted and for one a user deleted; `credentialsOutdated` says the group's account password was rotated since.
 */
export function connectionResource({ connection: c, groupStatus, credentialsOutdated }: ConnectionView) {
  return {
    id: c.id,
    etag: c.etag,
    name: c.name,
    groupId: c.groupId,
    kind: c.kind,
    runMode: c.runMode,
    username: c.username,
    ...(c.credentialId === undefined ? {} : { credentialId: c.credentialId }),
    ownerId: c.ownerId,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    groupStatus,
    credentialsOutdated,
  };
}
