import type { SecretReference } from './secret-reference.js';
import type { StoredDocument } from './stored-document.js';
import type { Share } from './roles.js';

/**
 * Where a credential's password lives: a secret this app wrote (`secretStore`, created and rotated through the
 * API) or an existing Key Vault secret the app's identity may read (`keyVault`, named by its URI; never written
 * nor deleted by the app).
 */
export type CredentialSecret = { source: 'secretStore'; ref: SecretReference } | { source: 'keyVault'; uri: string; ref: SecretReference };

/**
 * A named username and password that connections reference instead of carrying their own (seed 000: "Use
 * credentials in Power Automate"). Rotating it keeps every connection that references it working.
 */
export interface CredentialDocument extends StoredDocument {
  type: 'credential';
  name: string;
  username: string;
  secret: CredentialSecret;
  ownerId: string;
  shares: Share[];
  /**
   * group id → the group's account version the credential's current password was found equal to. A connection
   * through the credential is current while this names its group's current version: no secret is read on submit.
   */
  matches: Record<string, number>;
  passwordChangedAt: string;
}

export const CREDENTIAL = 'credential' satisfies CredentialDocument['type'];

/** Whether the credential's password was found equal to the group's account password as it is now. */
export function credentialMatches(credential: Pick<CredentialDocument, 'matches'>, groupId: string, accountVersion: number): boolean {
  return credential.matches[groupId] === accountVersion;
}

const SECRET_NAME = /^[0-9a-zA-Z-]{1,127}$/;
const SECRET_VERSION = /^[0-9a-zA-Z]{1,64}$/;

/** `https://{vault}/secrets/{name}[/{version}]`: the shape of a Key Vault secret identifier. */
export const KEY_VAULT_SECRET_URI = /^https:\/\/[^/?#\s]+\/secrets\/[0-9a-zA-Z-]{1,127}(\/[0-9a-zA-Z]{1,64})?\/?$/;

export type KeyVaultSecretLookup = { ref: SecretReference } | { refused: 'OtherVault' | 'Malformed' };

/**
 * The secret a Key Vault secret URI names, if it is in `vaultUrl` (the vault the app's SecretStore reads: other
 * vaults would need a client of their own). Without a version the latest is read each time it is used.
 */
export function keyVaultSecretReference(uri: string, vaultUrl: string): KeyVaultSecretLookup {
  let parsed: URL;
  let vault: URL;
  try {
    parsed = new URL(uri);
    vault = new URL(vaultUrl);
  } catch {
    return { refused: 'Malformed' };
  }
  if (parsed.protocol !== 'https:' || parsed.search !== '' || parsed.hash !== '') return { refused: 'Malformed' };
  if (parsed.origin !== vault.origin) return { refused: 'OtherVault' };
  const [first, name, version, ...rest] = parsed.pathname.replace(/\/$/, '').split('/').slice(1);
  if (first !== 'secrets' || name === undefined || !SECRET_NAME.test(name) || rest.length > 0) return { refused: 'Malformed' };
  if (version === undefined) return { ref: { name } };
  return SECRET_VERSION.test(version) ? { ref: { name, version } } : { refused: 'Malformed' };
}
