import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { SecretClient } from '@azure/keyvault-secrets';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { LocalTokenCredential } from '../../../local/keyvault/local-credential.js';
import { localSecretClientOptions } from '../../../local/keyvault/local-secret-client-options.js';
import { type KeyVaultPeer, startKeyVaultPeer } from '../../../local/keyvault/peer.js';
import { createLocalCertificateAuthority, type LocalCertificateAuthority, type ServerCertificate } from '../../../local/stack/tls.js';

// Every operation SecretClient exposes, against the local Key Vault peer: implemented with Key Vault's semantics,
// or refused with 501 NotImplemented naming the operation. The real SDK client, no mocks.

const DAY_MS = 24 * 3600_000;

let ca: LocalCertificateAuthority;
let serverCertificate: ServerCertificate;
let workDir: string;
const running: KeyVaultPeer[] = [];

beforeAll(async () => {
  ca = await createLocalCertificateAuthority();
  serverCertificate = await ca.issueServerCertificate();
  workDir = await mkdtemp(path.join(tmpdir(), 'keyvault-operations-'));
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((peer) => peer.close()));
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

async function aVault(): Promise<{ peer: KeyVaultPeer; client: SecretClient }> {
  const peer = await startKeyVaultPeer({
    tls: serverCertificate,
    dataFile: path.join(workDir, randomBytes(4).toString('hex'), 'secrets.dat'),
    encryptionKey: randomBytes(32),
  });
  running.push(peer);
  const client = new SecretClient(peer.vaultUrl, new LocalTokenCredential(), {
    ...localSecretClientOptions(ca.caCert),
    retryOptions: { maxRetries: 0 },
  });
  return { peer, client };
}

/** The delete and recover pollers, without the SDK's 2 s default interval. */
const fastPoll = { intervalInMs: 10 };

async function deleted(client: SecretClient, name: string): Promise<void> {
  await (await client.beginDeleteSecret(name, fastPoll)).pollUntilDone();
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

describe('update secret properties (PATCH /secrets/{name}/{version})', () => {
  it('changes the given attributes, content type and tags of that version, never the value', async () => {
    const { client } = await aVault();
    const first = await client.setSecret('rotating', 'first-value', { contentType: 'text/plain', tags: { owner: 'a' } });
    const second = await client.setSecret('rotating', 'second-value');
    const expiresOn = new Date(Math.floor(Date.now() / 1000 + 3600) * 1000);

    const updated = await client.updateSecretProperties('rotating', first.properties.version!, {
      contentType: 'application/json',
      tags: { owner: 'b' },
      expiresOn,
    });

    expect(updated).toMatchObject({
      name: 'rotating',
      version: first.properties.version,
      contentType: 'application/json',
      tags: { owner: 'b' },
      expiresOn,
      enabled: true,
    });
    expect(updated).not.toHaveProperty('value');
    const reread = await client.getSecret('rotating', { version: first.properties.version! });
    expect(reread).toMatchObject({ value: 'first-value', properties: { contentType: 'application/json', tags: { owner: 'b' }, expiresOn } });
    expect(await client.getSecret('rotating')).toMatchObject({ value: 'second-value', properties: { version: second.properties.version, tags: undefined } });
  });

  it('leaves what the request does not name unchanged', async () => {
    const { client } = await aVault();
    const set = await client.setSecret('partial', 'value', { contentType: 'text/plain', tags: { keep: 'me' } });

    await client.updateSecretProperties('partial', set.properties.version!, { enabled: true });

    expect((await client.getSecret('partial')).properties).toMatchObject({ contentType: 'text/plain', tags: { keep: 'me' } });
  });

  it('disables a version (get answers 403 Forbidden) and enables it again', async () => {
    const { client } = await aVault();
    const set = await client.setSecret('switch', 'value');

    await client.updateSecretProperties('switch', set.properties.version!, { enabled: false });
    await expect(client.getSecret('switch')).rejects.toMatchObject({ statusCode: 403, code: 'Forbidden' });
    const listed = await collect(client.listPropertiesOfSecrets());
    expect(listed.map((properties) => [properties.name, properties.enabled])).toEqual([['switch', false]]);

    await client.updateSecretProperties('switch', set.properties.version!, { enabled: true });
    expect((await client.getSecret('switch')).value).toBe('value');
  });

  it('answers 404 SecretNotFound for an unknown secret or version', async () => {
    const { client } = await aVault();
    await client.setSecret('known', 'value');

    await expect(client.updateSecretProperties('unknown', '0'.repeat(32), { enabled: false })).rejects.toMatchObject({
      statusCode: 404,
      code: 'SecretNotFound',
    });
    await expect(client.updateSecretProperties('known', '0'.repeat(32), { enabled: false })).rejects.toMatchObject({ statusCode: 404, code: 'SecretNotFound' });
  });
});

describe('deleted secrets (soft delete, recover, purge)', () => {
  it('lists deleted secrets with recoveryId, deletedOn and a purge date 90 days later; active ones are not listed', async () => {
    const { peer, client } = await aVault();
    await client.setSecret('gone-1', 'a');
    await client.setSecret('gone-2', 'b');
    await client.setSecret('still-here', 'c');
    const before = Date.now() - 1000;
    await deleted(client, 'gone-1');
    await deleted(client, 'gone-2');

    const listed = await collect(client.listDeletedSecrets());

    expect(listed.map((secret) => secret.name).sort()).toEqual(['gone-1', 'gone-2']);
    for (const secret of listed) {
      expect(secret.properties.recoveryId).toBe(`${peer.vaultUrl}/deletedsecrets/${secret.name}`);
      expect(secret.properties.deletedOn!.getTime()).toBeGreaterThanOrEqual(before);
      expect(secret.properties.scheduledPurgeDate!.getTime() - secret.properties.deletedOn!.getTime()).toBe(90 * DAY_MS);
      expect(secret.value).toBeUndefined();
    }
    expect((await collect(client.listPropertiesOfSecrets())).map((properties) => properties.name)).toEqual(['still-here']);
  });

  it('gets a deleted secret with its deletion, without its value', async () => {
    const { peer, client } = await aVault();
    const set = await client.setSecret('removed', 'hidden', { tags: { kind: 'x' } });
    await deleted(client, 'removed');

    const secret = await client.getDeletedSecret('removed');

    expect(secret).toMatchObject({
      name: 'removed',
      properties: { version: set.properties.version, tags: { kind: 'x' }, recoveryId: `${peer.vaultUrl}/deletedsecrets/removed` },
    });
    expect(secret.value).toBeUndefined();
    expect(secret.properties.scheduledPurgeDate).toBeInstanceOf(Date);
    await expect(client.getDeletedSecret('never-deleted')).rejects.toMatchObject({ statusCode: 404, code: 'SecretNotFound' });
  });

  it('refuses to set a secret whose name is deleted but not purged: 409 Conflict', async () => {
    const { client } = await aVault();
    await client.setSecret('taken', 'old');
    await deleted(client, 'taken');

    await expect(client.setSecret('taken', 'new')).rejects.toMatchObject({
      statusCode: 409,
      code: 'Conflict',
      message: expect.stringContaining('is currently in a deleted but recoverable state'),
    });
  });

  it('recovers a deleted secret with every version, through the SDK poller', async () => {
    const { client } = await aVault();
    const first = await client.setSecret('comeback', 'v1');
    await client.setSecret('comeback', 'v2');
    await deleted(client, 'comeback');

    const poller = await client.beginRecoverDeletedSecret('comeback', fastPoll);
    const recovered = await poller.pollUntilDone();

    expect(recovered).toMatchObject({ name: 'comeback' });
    expect((await client.getSecret('comeback')).value).toBe('v2');
    expect((await client.getSecret('comeback', { version: first.properties.version! })).value).toBe('v1');
    expect(await collect(client.listDeletedSecrets())).toEqual([]);
    await expect(client.getDeletedSecret('comeback')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('answers 404 when recovering a secret that was never deleted', async () => {
    const { client } = await aVault();

    const recover = async () => (await client.beginRecoverDeletedSecret('never-existed', fastPoll)).pollUntilDone();

    await expect(recover()).rejects.toMatchObject({ statusCode: 404, code: 'SecretNotFound' });
  });

  it('purges a deleted secret for good, freeing its name; purging an active secret answers 404', async () => {
    const { client } = await aVault();
    await client.setSecret('short-lived', 'old');
    await client.setSecret('active', 'value');
    await deleted(client, 'short-lived');

    await client.purgeDeletedSecret('short-lived');

    expect(await collect(client.listDeletedSecrets())).toEqual([]);
    await expect(client.getDeletedSecret('short-lived')).rejects.toMatchObject({ statusCode: 404 });
    await expect(client.getSecret('short-lived')).rejects.toMatchObject({ statusCode: 404 });
    await client.setSecret('short-lived', 'new');
    expect((await collect(client.listPropertiesOfSecretVersions('short-lived'))).length).toBe(1);
    await expect(client.purgeDeletedSecret('active')).rejects.toMatchObject({ statusCode: 404, code: 'SecretNotFound' });
  });
});

describe('lists page like Key Vault (at most 25 items, maxresults, nextLink)', () => {
  it('pages secrets, versions and deleted secrets', async () => {
    const { client } = await aVault();
    for (let i = 0; i < 27; i++) await client.setSecret(`paged-${String(i).padStart(2, '0')}`, 'x');
    for (let i = 0; i < 3; i++) await client.setSecret('versioned', `v${i}`);
    await deleted(client, 'paged-00');
    await deleted(client, 'paged-01');
    await deleted(client, 'paged-02');

    const pageSizes = async (pages: AsyncIterable<unknown[]>) => (await collect(pages)).map((page) => page.length);

    expect(await pageSizes(client.listPropertiesOfSecrets().byPage())).toEqual([25]);
    expect(await pageSizes(client.listPropertiesOfSecrets().byPage({ maxPageSize: 10 }))).toEqual([10, 10, 5]);
    expect((await collect(client.listPropertiesOfSecrets())).length).toBe(25);
    expect(await pageSizes(client.listPropertiesOfSecretVersions('versioned').byPage({ maxPageSize: 2 }))).toEqual([2, 1]);
    expect(await pageSizes(client.listDeletedSecrets().byPage({ maxPageSize: 2 }))).toEqual([2, 1]);
  });

  it('pages more than 25 secrets at 25 and follows nextLink to the rest', async () => {
    const { client } = await aVault();
    for (let i = 0; i < 30; i++) await client.setSecret(`many-${i}`, 'x');

    expect((await collect(client.listPropertiesOfSecrets().byPage())).map((page) => page.length)).toEqual([25, 5]);
    expect(new Set((await collect(client.listPropertiesOfSecrets())).map((properties) => properties.name)).size).toBe(30);
  });
});

describe('operations the peer does not implement', () => {
  it('refuses backup and restore with 501 NotImplemented, naming the operation', async () => {
    const { client } = await aVault();
    await client.setSecret('precious', 'value');

    await expect(client.backupSecret('precious')).rejects.toMatchObject({
      statusCode: 501,
      code: 'NotImplemented',
      message: expect.stringContaining('does not implement Backup Secret'),
    });
    await expect(client.restoreSecretBackup(new Uint8Array([1, 2, 3]))).rejects.toMatchObject({
      statusCode: 501,
      code: 'NotImplemented',
      message: expect.stringContaining('does not implement Restore Secret'),
    });
  });

  it('answers other APIs with 501, a missing method with 405 and an unknown secrets path with 404', async () => {
    const { peer } = await aVault();

    expect(await call(peer, 'GET', '/keys')).toMatchObject({
      status: 501,
      body: { error: { code: 'NotImplemented', message: expect.stringContaining('GET /keys') } },
    });
    expect(await call(peer, 'POST', '/secrets/some-name')).toMatchObject({
      status: 405,
      allow: 'PUT, GET, PATCH, DELETE',
      body: { error: { code: 'MethodNotAllowed' } },
    });
    expect(await call(peer, 'PUT', '/deletedsecrets/some-name')).toMatchObject({ status: 405, allow: 'GET, DELETE' });
    expect(await call(peer, 'GET', '/secrets/a/b/c')).toMatchObject({ status: 404, body: { error: { code: 'NotFound' } } });
  });
});

/** A raw authenticated request, for paths and methods SecretClient never sends. */
function call(peer: KeyVaultPeer, method: string, requestPath: string): Promise<{ status?: number; allow?: string; body: unknown }> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${requestPath}?api-version=7.6`, peer.vaultUrl);
    const request = httpsRequest(url, { method, ca: ca.caCert, headers: { authorization: 'Bearer local' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode, allow: response.headers.allow, body: text ? JSON.parse(text) : undefined });
      });
    });
    request.on('error', reject);
    request.end();
  });
}
