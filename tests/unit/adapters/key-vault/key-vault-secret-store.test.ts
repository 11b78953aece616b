import { inspect } from 'node:util';

import { SecretClient, type SecretClientOptions } from '@azure/keyvault-secrets';
import { describe, expect, it } from 'vitest';

import { LocalTokenCredential } from '../../../../local/keyvault/local-credential.js';
import { KeyVaultSecretStore } from '../../../../adapters/key-vault/key-vault-secret-store.js';
import { SecretNotFoundError, SecretStoreError } from '../../../../app/ports/secret-store.js';

type HttpClient = NonNullable<SecretClientOptions['httpClient']>;
type PipelineResponse = Awaited<ReturnType<HttpClient['sendRequest']>>;

const VAULT_URL = 'https://unit.vault.azure.net';
const CHALLENGE = 'Bearer authorization="https://login.microsoftonline.com/tenant", resource="https://vault.azure.net"';

interface ScriptedAnswer {
  status: number;
  body?: unknown;
}

/** Key Vault as the SDK sees it on the wire: the challenge first, then whatever the test scripts. */
function aStoreAnswering(answer: (method: string, path: string) => ScriptedAnswer): {
  store: KeyVaultSecretStore;
  calls: string[];
} {
  const calls: string[] = [];
  const httpClient: HttpClient = {
    async sendRequest(request) {
      const path = new URL(request.url).pathname;
      if (!request.headers.has('authorization')) {
        return respond(request, { status: 401, body: { error: { code: 'Unauthorized', message: 'no token' } } }, { 'www-authenticate': CHALLENGE });
      }
      calls.push(`${request.method} ${path}`);
      return respond(request, answer(request.method, path));
    },
  };
  const client = new SecretClient(VAULT_URL, new LocalTokenCredential(), { httpClient, retryOptions: { maxRetries: 0 } });
  return { store: new KeyVaultSecretStore(client), calls };
}

function respond(
  request: Parameters<HttpClient['sendRequest']>[0],
  { status, body }: ScriptedAnswer,
  extraHeaders: Record<string, string> = {},
): PipelineResponse {
  const headers = new Map<string, string>(Object.entries({ 'content-type': 'application/json', ...extraHeaders }));
  return {
    request,
    status,
    bodyAsText: body === undefined ? undefined : JSON.stringify(body),
    headers: {
      get: (name) => headers.get(name.toLowerCase()),
      has: (name) => headers.has(name.toLowerCase()),
      set: (name, value) => void headers.set(name.toLowerCase(), String(value)),
      delete: (name) => void headers.delete(name.toLowerCase()),
      toJSON: () => Object.fromEntries(headers),
      [Symbol.iterator]: () => headers.entries(),
    },
  };
}

function aSecretBundle(name: string, version: string, value: string): Record<string, unknown> {
  return { id: `${VAULT_URL}/secrets/${name}/${version}`, value, attributes: { enabled: true, created: 1, updated: 1 } };
}

const notFound = { status: 404, body: { error: { code: 'SecretNotFound', message: 'A secret with (name/id) x was not found' } } };
const forbidden = { status: 403, body: { error: { code: 'Forbidden', message: 'Caller is not authorized' } } };

describe('KeyVaultSecretStore', () => {
  it('returns the name and version Key Vault assigned as the reference', async () => {
    const { store, calls } = aStoreAnswering(() => ({ status: 200, body: aSecretBundle('conn-1', 'v2', 'secret') }));

    await expect(store.set('conn-1', 'secret')).resolves.toEqual({ name: 'conn-1', version: 'v2' });
    expect(calls).toEqual(['PUT /secrets/conn-1']);
  });

  it('reads a pinned version from its own URL and the latest from the name alone', async () => {
    const { store, calls } = aStoreAnswering(() => ({ status: 200, body: aSecretBundle('conn-1', 'v1', 'old') }));

    await store.get({ name: 'conn-1', version: 'v1' });
    await store.get({ name: 'conn-1' });

    expect(calls).toEqual(['GET /secrets/conn-1/v1', 'GET /secrets/conn-1/']);
  });

  it('turns a 404 into SecretNotFoundError', async () => {
    const { store } = aStoreAnswering(() => notFound);

    const error = await store.get({ name: 'conn-1', version: 'v9' }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SecretNotFoundError);
    expect(error).toMatchObject({ code: 'SECRET_NOT_FOUND', reference: { name: 'conn-1', version: 'v9' } });
  });

  it('reports other failures as SecretStoreError with the status and Key Vault code', async () => {
    const { store } = aStoreAnswering(() => forbidden);

    await expect(store.get({ name: 'conn-1' })).rejects.toThrow(
      new SecretStoreError('SECRET_STORE_FAILURE', "Key Vault get of secret 'conn-1' failed (HTTP 403 Forbidden): Caller is not authorized"),
    );
  });

  it('keeps the value of a failed set out of the error, however it is printed', async () => {
    const { store } = aStoreAnswering(() => forbidden);
    const value = 'Sup3r-S3cret-Value';

    const error = await store.set('conn-1', value).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SecretStoreError);
    expect(inspect(error, { depth: 10, showHidden: true })).not.toContain(value);
    expect(JSON.stringify(error)).not.toContain(value);
  });

  it('deletes with Key Vault soft delete: DELETE, then the poller reads the deleted secret', async () => {
    const deletedBundle = { ...aSecretBundle('conn-1', 'v1', 'x'), recoveryId: `${VAULT_URL}/deletedsecrets/conn-1` };
    const { store, calls } = aStoreAnswering(() => ({ status: 200, body: deletedBundle }));

    await store.delete({ name: 'conn-1', version: 'ignored' });

    expect(calls).toEqual(['DELETE /secrets/conn-1', 'GET /deletedsecrets/conn-1']);
  });

  it('treats deleting a missing secret as done', async () => {
    const { store } = aStoreAnswering(() => notFound);

    await expect(store.delete({ name: 'gone' })).resolves.toBeUndefined();
  });

  it('reports a refused delete', async () => {
    const { store } = aStoreAnswering(() => forbidden);

    await expect(store.delete({ name: 'conn-1' })).rejects.toMatchObject({ code: 'SECRET_STORE_FAILURE' });
  });
});
