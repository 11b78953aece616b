import { KeyVaultFault } from './key-vault-fault.js';
import {
  deletedSecretBundle,
  SECRET_NAME_PATTERN,
  secretBundle,
  secretItem,
  setSecretRequestSchema,
  toSecretVersionInput,
} from './key-vault-wire.js';
import type { SecretVault } from './secret-vault.js';

export interface KeyVaultRequest {
  method: string;
  /** Decoded path segments, e.g. ['secrets', 'name', 'version']. */
  segments: string[];
  readJsonBody(): Promise<unknown>;
}

export interface KeyVaultResponse {
  status: number;
  body?: unknown;
}

/**
 * The part of the Key Vault secrets REST API that SecretClient uses for set, get (latest or by version),
 * list (secrets and versions), delete (and the delete poller's GET of the deleted secret) and purge. Throws KeyVaultFault.
 */
export async function routeKeyVaultRequest(
  vault: SecretVault,
  vaultUrl: string,
  { method, segments, readJsonBody }: KeyVaultRequest,
): Promise<KeyVaultResponse> {
  const [collection, name, version, ...rest] = segments;
  const unsupported = new KeyVaultFault(501, 'NotImplemented', `The local Key Vault peer does not implement ${method} /${segments.join('/')}`);
  if (rest.length > 0) {
    throw unsupported;
  }
  if (name === undefined) {
    if (method === 'GET' && collection === 'secrets') {
      return { status: 200, body: { value: vault.list().map((found) => secretItem(vaultUrl, found)), nextLink: null } };
    }
    throw unsupported;
  }
  if (!SECRET_NAME_PATTERN.test(name)) {
    throw KeyVaultFault.badParameter(`The request URI contains an invalid secret name: ${name}`);
  }

  if (method === 'GET' && collection === 'secrets' && version === 'versions') {
    const items = vault.versions(name).map((found) => secretItem(vaultUrl, found, found.version.version));
    return { status: 200, body: { value: items, nextLink: null } };
  }

  switch (`${method} ${collection ?? ''}${version === undefined ? '' : '/{version}'}`) {
    case 'PUT secrets': {
      const parsed = setSecretRequestSchema.safeParse(await readJsonBody());
      if (!parsed.success) {
        // Issue paths only: the messages of a schema library may quote the offending input.
        const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(body)').join(', ');
        throw KeyVaultFault.badParameter(`The request body is not a valid secret: ${fields}`);
      }
      return { status: 200, body: secretBundle(vaultUrl, await vault.set(name, toSecretVersionInput(parsed.data))) };
    }
    case 'GET secrets':
    case 'GET secrets/{version}': {
      const found = vault.get(name, version);
      if (!found.version.enabled) {
        throw KeyVaultFault.disabled(found.name);
      }
      return { status: 200, body: secretBundle(vaultUrl, found) };
    }
    case 'DELETE secrets':
      return { status: 200, body: deletedSecretBundle(vaultUrl, await vault.delete(name)) };
    case 'GET deletedsecrets':
      return { status: 200, body: deletedSecretBundle(vaultUrl, vault.getDeleted(name)) };
    case 'DELETE deletedsecrets':
      await vault.purge(name);
      return { status: 204 };
    default:
      throw unsupported;
  }
}
