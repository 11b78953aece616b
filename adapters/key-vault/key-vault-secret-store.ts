import type { SecretClient } from '@azure/keyvault-secrets';

import { describeSecretReference, SecretNotFoundError, type SecretReference, type SecretStore, SecretStoreError } from '../../app/ports/secret-store.js';

/**
 * The secret store on Azure Key Vault (or the local Key Vault peer: same code, another vault URL).
 * The SecretClient comes from the composition root, which chooses the credential and TLS settings.
 */
export class KeyVaultSecretStore implements SecretStore {
  constructor(private readonly client: SecretClient) {}

  async set(name: string, value: string, tags?: Record<string, string>): Promise<SecretReference> {
    try {
      const secret = await this.client.setSecret(name, value, { tags });
      return { name: secret.name, version: secret.properties.version };
    } catch (error) {
      throw failure('set', { name }, error);
    }
  }

  async get(ref: SecretReference): Promise<string> {
    let value: string | undefined;
    try {
      value = (await this.client.getSecret(ref.name, { version: ref.version })).value;
    } catch (error) {
      throw isNotFound(error) ? new SecretNotFoundError(ref) : failure('get', ref, error);
    }
    if (value === undefined) {
      throw new SecretStoreError('SECRET_STORE_FAILURE', `Key Vault returned no value for secret ${describeSecretReference(ref)}`);
    }
    return value;
  }

  /**
   * Key Vault deletes a secret with all its versions, so `ref.version` plays no part. On a vault with
   * soft delete the secret stays recoverable (and its name taken) until purged or its retention ends.
   */
  async delete(ref: SecretReference): Promise<void> {
    try {
      const poller = await this.client.beginDeleteSecret(ref.name);
      await poller.pollUntilDone();
    } catch (error) {
      if (!isNotFound(error)) {
        throw failure('delete', ref, error);
      }
    }
  }
}

/**
 * The SDK's RestError keeps the request (with a set's value in its body) as a property; only its
 * status, code and message travel on, so no value can reach a log through the error chain.
 */
function failure(operation: string, ref: SecretReference, error: unknown): SecretStoreError {
  const { statusCode, code } = restErrorFields(error);
  const detail = error instanceof Error ? error.message : String(error);
  const status = statusCode === undefined ? '' : ` (HTTP ${statusCode}${code === undefined ? '' : ` ${code}`})`;
  return new SecretStoreError('SECRET_STORE_FAILURE', `Key Vault ${operation} of secret ${describeSecretReference(ref)} failed${status}: ${detail}`);
}

function isNotFound(error: unknown): boolean {
  return restErrorFields(error).statusCode === 404;
}

/** Read structurally: @azure/core-rest-pipeline is not a direct dependency of the project. */
function restErrorFields(error: unknown): { statusCode?: number; code?: string } {
  if (typeof error !== 'object' || error === null) {
    return {};
  }
  const statusCode = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : undefined;
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  return { statusCode, code };
}
