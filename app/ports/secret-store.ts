import { createHash } from 'node:crypto';
import type { SecretReference } from '../../domain/secret-reference.js';

export type { SecretReference };

/**
 * The secret store the control plane needs (local admin passwords of bot VMs, connection passwords).
 * Production: Azure Key Vault; locally: the Key Vault peer behind the same adapter.
 */
export interface SecretStore {
  /** Stores a secret value under a name (a new version if the name exists) and returns its reference. */
  set(name: string, value: string, tags?: Record<string, string>): Promise<SecretReference>;
  /** Throws SecretNotFoundError when the secret (or that version) does not exist. */
  get(ref: SecretReference): Promise<string>;
  /** Removes the secret with all its versions; deleting a missing secret is not an error. */
  delete(ref: SecretReference): Promise<void>;
}

export type SecretStoreErrorCode = 'SECRET_NOT_FOUND' | 'SECRET_STORE_FAILURE';

/** Messages name the secret and the operation, never the value. */
export class SecretStoreError extends Error {
  constructor(
    readonly code: SecretStoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class SecretNotFoundError extends SecretStoreError {
  declare readonly code: 'SECRET_NOT_FOUND';

  constructor(readonly reference: SecretReference) {
    super('SECRET_NOT_FOUND', `secret ${describeSecretReference(reference)} was not found`);
  }
}

export function describeSecretReference(ref: SecretReference): string {
  return ref.version === undefined ? `'${ref.name}'` : `'${ref.name}' (version ${ref.version})`;
}

export type SecretKind = 'group-account' | 'connection' | 'credential';

export const SECRET_KINDS: readonly SecretKind[] = ['group-account', 'connection', 'credential'];

/** the one secret not of an entity: the key that signs the bots' credentials (app/bots/signing-key.ts) */
export const BOT_SIGNING_KEY_SECRET = 'bot-credential-signing-key';

const MAX_SECRET_NAME_LENGTH = 127;
const DIGEST_LENGTH = 16;

/**
 * The Key Vault secret name for the secret of one entity: `<kind>-<readable id>-<digest of id>`.
 * Key Vault names allow only `[0-9a-zA-Z-]`, at most 127 characters, and compare case-insensitively,
 * so the readable part alone could map two ids to one name; the digest of the exact id keeps them apart.
 */
export function secretNameFor(kind: SecretKind, id: string): string {
  if (id.length === 0) {
    throw new RangeError(`a ${kind} secret needs a non-empty id`);
  }
  const digest = createHash('sha256').update(id, 'utf8').digest('hex').slice(0, DIGEST_LENGTH);
  const room = MAX_SECRET_NAME_LENGTH - kind.length - DIGEST_LENGTH - 2;
  const readable = id
    .toLowerCase()
    .replace(/[^0-9a-z]+/g, '-')
    .slice(0, room)
    .replace(/^-+|-+$/g, '');
  return readable.length > 0 ? `${kind}-${readable}-${digest}` : `${kind}-${digest}`;
}
