import type { Membership } from '../../domain/access-rules.js';
import type { EnvironmentDocument } from '../../domain/environment.js';
import { accountVersionOf, type GroupDocument } from '../../domain/group.js';
import type { AppConfig } from '../config/app-config.js';
import type { SecretStore } from '../ports/secret-store.js';
import type { DocumentStore } from '../ports/document-store.js';
import { credentialToRotateWith, rotateCredentialWithGroup } from '../connections/credentials.js';

/** What rotating a group's account password needs. */
export interface AccountRotationPorts {
  /** groups, credentials and the connections through them */
  store: DocumentStore;
  /** the passwords, and a credential's external secret */
  secrets: SecretStore;
  config: AppConfig;
  now(): Date;
  newId(): string;
}

/** `PATCH .../groups/{id}` with `account`: a new password, and optionally the credential to rotate with it. */
export interface AccountRotationInput {
  password: string;
  credentialId?: string | undefined;
}

export interface AccountRotation {
  /** the group's new account: the new secret version and the next account version */
  account: GroupDocument['account'];
  /** once the group is written: the named credential takes the new password too */
  afterSave(saved: GroupDocument): Promise<void>;
}

/**
 * Rotates a group's local account password (the caller already passed the group's `manage` check: owner, CoOwner,
 * SystemAdministrator). The new password becomes a new version of the group's secret; the document will point at it
 * with the account version one higher, which is how every connection checked against the old one is seen to be
 * outdated (422 `CredentialsOutdated` on submit) without reading a secret. A named credential is checked before
 * anything is written and rotated after the group is: its connections keep working.
 * A version written for a group write that then fails is never referenced (references carry the version).
 */
export async function prepareAccountRotation(
  deps: AccountRotationPorts,
  env: EnvironmentDocument,
  member: Membership,
  group: GroupDocument,
  input: AccountRotationInput,
): Promise<AccountRotation> {
  const credential = input.credentialId === undefined ? undefined : await credentialToRotateWith(deps, env, member, input.credentialId, group);
  const password = await deps.secrets.set(group.account.password.name, input.password, { environmentId: env.id, groupId: group.id });
  return {
    account: { username: group.account.username, password, version: accountVersionOf(group) + 1 },
    afterSave: async (saved) => {
      if (credential) await rotateCredentialWithGroup(deps, credential, saved, input.password);
    },
  };
}
