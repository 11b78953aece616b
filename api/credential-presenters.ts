import type { CredentialView } from '../app/connections/credentials.js';

/**
 * A credential as the API shows it: where its password lives (`secretStore`, or the Key Vault secret it names),
 * never the password nor the app's own secret reference; shares are served by `/access`.
 */
export function credentialResource({ credential: c, usedByConnections }: CredentialView) {
  return {
    id: c.id,
    etag: c.etag,
    name: c.name,
    username: c.username,
    source: c.secret.source,
    ...(c.secret.source === 'keyVault' ? { keyVaultSecretUri: c.secret.uri } : {}),
    ownerId: c.ownerId,
    passwordChangedAt: c.passwordChangedAt,
    usedByConnections,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}
