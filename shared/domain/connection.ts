import type { SecretReference } from '../secrets/secret-store.js';
import type { StoredDocument } from '../store/document-store.js';

/** A direct-to-machine, unattended connection to a group, with the group's local account credentials. */
export interface ConnectionDocument extends StoredDocument {
  type: 'connection';
  name: string;
  groupId: string;
  kind: 'direct-to-machine';
  runMode: 'unattended';
  username: string;
  password: SecretReference;
  ownerId: string;
}
