import type { SecretReference } from './secret-reference.js';
import type { StoredDocument } from './stored-document.js';

/**
 * A direct-to-machine, unattended connection to a group, with the group's local account credentials: its own
 * password (in the secret store) or a reference to a credential (`credentialId`), never both.
 */
export interface ConnectionDocument extends StoredDocument {
  type: 'connection';
  name: string;
  groupId: string;
  kind: 'direct-to-machine';
  runMode: 'unattended';
  username: string;
  /** the connection's own password; absent when it references a credential */
  password?: SecretReference;
  credentialId?: string;
  /**
   * The group's account version the own password was found equal to (absent: 1, the first). A connection is
   * outdated once the group's account is rotated past it, which a submit sees without reading a secret.
   */
  accountVersion?: number;
  ownerId: string;
}

/** The group's account version a connection's own password was checked against. */
export function connectionAccountVersion(connection: Pick<ConnectionDocument, 'accountVersion'>): number {
  return connection.accountVersion ?? 1;
}
