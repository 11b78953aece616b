import type { IncomingMessage } from 'node:http';

/** The resource a real vault names in its challenge. */
export const KEY_VAULT_RESOURCE = 'https://vault.azure.net';
export const DEFAULT_LOCAL_TENANT_ID = '00000000-0000-0000-0000-000000000000';

/**
 * The challenge @azure/keyvault-common parses: `authorization` gives the tenant (its URL path), `resource`
 * gives the token scope (`<resource>/.default`). The SDK then checks that the vault's host ends with
 * `.vault.azure.net`, which a loopback vault never does: clients of the local peer set
 * `disableChallengeResourceVerification: true`, and only they.
 */
export function challengeHeader(tenantId: string): string {
  return `Bearer authorization="https://login.microsoftonline.com/${tenantId}", resource="${KEY_VAULT_RESOURCE}"`;
}

/** Any bearer token is accepted: the peer stands in for Key Vault, not for Entra ID. */
export function hasBearerToken(request: IncomingMessage): boolean {
  return /^Bearer \S+/i.test(request.headers.authorization ?? '');
}
