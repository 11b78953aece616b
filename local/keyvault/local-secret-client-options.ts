import type { SecretClientOptions } from '@azure/keyvault-secrets';

/**
 * SecretClient options for the local Key Vault peer, for the local composition only:
 * - `tlsOptions.ca` trusts the local cloud's CA (core-rest-pipeline hands it to the https.Agent);
 *   certificate checks stay on.
 * - `disableChallengeResourceVerification`: the SDK otherwise requires the vault host to end with the
 *   challenge resource's domain (`.vault.azure.net`), which `https://127.0.0.1:<port>` never does.
 */
export function localSecretClientOptions(caCert: string): SecretClientOptions {
  return { disableChallengeResourceVerification: true, tlsOptions: { ca: caCert } };
}
