import type { AccessToken, TokenCredential } from '@azure/identity';

const TOKEN_LIFETIME_MS = 60 * 60_000;

/**
 * The credential the local composition hands to SDK clients of local peers (the Key Vault peer accepts
 * any bearer token: it stands in for Key Vault, not for Entra ID). Never used against Azure.
 */
export class LocalTokenCredential implements TokenCredential {
  constructor(private readonly token = 'local-cloud-token') {}

  async getToken(): Promise<AccessToken> {
    return { token: this.token, expiresOnTimestamp: Date.now() + TOKEN_LIFETIME_MS, tokenType: 'Bearer' };
  }
}
