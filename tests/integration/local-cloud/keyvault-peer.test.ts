import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';

import { SecretClient, type SecretClientOptions } from '@azure/keyvault-secrets';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { DataFileUnreadableError } from '../../../local/keyvault/encrypted-data-file.js';
import { LocalTokenCredential } from '../../../local/keyvault/local-credential.js';
import { localSecretClientOptions } from '../../../local/keyvault/local-secret-client-options.js';
import { type KeyVaultPeer, type KeyVaultPeerLogEntry, startKeyVaultPeer } from '../../../local/keyvault/peer.js';
import { createLocalCertificateAuthority, type LocalCertificateAuthority, type ServerCertificate } from '../../../local/stack/tls.js';
import { KeyVaultSecretStore } from '../../../adapters/key-vault/key-vault-secret-store.js';
import { SecretNotFoundError, secretNameFor, SecretStoreError } from '../../../app/ports/secret-store.js';

let ca: LocalCertificateAuthority;
let serverCertificate: ServerCertificate;
let workDir: string;
const running: KeyVaultPeer[] = [];

beforeAll(async () => {
  ca = await createLocalCertificateAuthority();
  serverCertificate = await ca.issueServerCertificate();
  workDir = await mkdtemp(path.join(tmpdir(), 'keyvault-peer-'));
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((peer) => peer.close()));
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

interface PeerUnderTest {
  peer: KeyVaultPeer;
  dataFile: string;
  key: Buffer;
  log: KeyVaultPeerLogEntry[];
}

async function aPeer({ dataFile = freshDataFile(), key = randomBytes(32) }: { dataFile?: string; key?: Buffer } = {}): Promise<PeerUnderTest> {
  const log: KeyVaultPeerLogEntry[] = [];
  const peer = await startKeyVaultPeer({
    tls: serverCertificate,
    dataFile,
    encryptionKey: key,
    log: (entry) => log.push(entry),
  });
  running.push(peer);
  return { peer, dataFile, key, log };
}

function freshDataFile(): string {
  return path.join(workDir, `${randomBytes(4).toString('hex')}`, 'secrets.dat');
}

/** What the local composition builds: trust the local CA, skip only the vault.azure.net domain check. */
function aLocalClient(peer: KeyVaultPeer, options: SecretClientOptions = {}): SecretClient {
  return new SecretClient(peer.vaultUrl, new LocalTokenCredential(), { ...localSecretClientOptions(ca.caCert), ...options });
}

function aStore(peer: KeyVaultPeer): KeyVaultSecretStore {
  return new KeyVaultSecretStore(aLocalClient(peer));
}

function aPassword(): string {
  return `P@ss-${randomBytes(12).toString('hex')}`;
}

describe('Key Vault peer through the real SecretClient and KeyVaultSecretStore', () => {
  it('answers the first, token-less request with the challenge, then serves the authenticated retry', async () => {
    const { peer, log } = await aPeer();
    const store = aStore(peer);
    const password = aPassword();

    const ref = await store.set('vm-admin', password);

    expect(await store.get(ref)).toBe(password);
    expect(log.filter((entry) => !entry.authenticated)).toEqual([{ method: 'PUT', path: '/secrets/vm-admin', status: 401, authenticated: false }]);
    expect(log.filter((entry) => entry.authenticated).map((entry) => entry.status)).toEqual([200, 200]);
  });

  it('returns the newest value by default and older ones by their version', async () => {
    const { peer } = await aPeer();
    const store = aStore(peer);

    const first = await store.set('rotated', 'first-value');
    const second = await store.set('rotated', 'second-value');

    expect(first.version).not.toBe(second.version);
    expect(await store.get({ name: 'rotated' })).toBe('second-value');
    expect(await store.get(first)).toBe('first-value');
    expect(await store.get(second)).toBe('second-value');
  });

  it('keeps tags and reports Key Vault metadata the SDK parses', async () => {
    const { peer } = await aPeer();
    const ref = await aStore(peer).set('tagged', aPassword(), { kind: 'connection' });

    const secret = await aLocalClient(peer).getSecret(ref.name);

    expect(secret.properties).toMatchObject({
      name: 'tagged',
      version: ref.version,
      vaultUrl: peer.vaultUrl,
      enabled: true,
      recoveryLevel: 'Recoverable+Purgeable',
      tags: { kind: 'connection' },
    });
    expect(secret.properties.createdOn).toBeInstanceOf(Date);
    const listed = [];
    for await (const properties of aLocalClient(peer).listPropertiesOfSecrets()) {
      listed.push(properties.name);
    }
    expect(listed).toEqual(['tagged']);
  });

  it('throws SecretNotFoundError for a missing secret and for an unknown version', async () => {
    const { peer } = await aPeer();
    const store = aStore(peer);
    await store.set('present', aPassword());

    await expect(store.get({ name: 'never-set' })).rejects.toBeInstanceOf(SecretNotFoundError);
    await expect(store.get({ name: 'present', version: '0'.repeat(32) })).rejects.toMatchObject({
      code: 'SECRET_NOT_FOUND',
    });
  });

  it('deletes (soft delete, through the poller) so that get throws SecretNotFoundError', async () => {
    const { peer, log } = await aPeer();
    const store = aStore(peer);
    const ref = await store.set('to-delete', aPassword());

    await store.delete(ref);

    await expect(store.get(ref)).rejects.toBeInstanceOf(SecretNotFoundError);
    expect(log.map((entry) => `${entry.method} ${entry.path} ${entry.status}`)).toContain('GET /deletedsecrets/to-delete 200');
  });

  it('treats deleting a missing or already deleted secret as done', async () => {
    const { peer } = await aPeer();
    const store = aStore(peer);
    const ref = await store.set('deleted-twice', aPassword());

    await expect(store.delete({ name: 'never-set' })).resolves.toBeUndefined();
    await store.delete(ref);
    await expect(store.delete(ref)).resolves.toBeUndefined();
  });

  it('keeps a deleted name taken until purged, as a soft-delete vault does', async () => {
    const { peer } = await aPeer();
    const store = aStore(peer);
    await store.set('reused', 'old');
    await store.delete({ name: 'reused' });

    await expect(store.set('reused', 'new')).rejects.toMatchObject({
      code: 'SECRET_STORE_FAILURE',
      message: expect.stringContaining('HTTP 409 Conflict'),
    });
    await aLocalClient(peer).purgeDeletedSecret('reused');
    await store.set('reused', 'new');
    expect(await store.get({ name: 'reused' })).toBe('new');
  });

  it('stores names made by secretNameFor', async () => {
    const { peer } = await aPeer();
    const store = aStore(peer);
    const name = secretNameFor('group-account', 'Contoso Finance / EU #1');

    const ref = await store.set(name, 'group-password');

    expect(ref.name).toBe(name);
    expect(await store.get({ name })).toBe('group-password');
  });
});

describe('Key Vault peer data at rest', () => {
  it('never writes a plain value to the data file', async () => {
    const { peer, dataFile } = await aPeer();
    const password = aPassword();
    await aStore(peer).set('at-rest', password);

    const bytes = await readFile(dataFile);

    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes.includes(Buffer.from(password, 'utf8'))).toBe(false);
    expect(bytes.includes(Buffer.from(password, 'utf8').toString('base64'))).toBe(false);
    expect(bytes.includes(Buffer.from('at-rest', 'utf8'))).toBe(false);
  });

  it('serves the secrets again after a restart with the same file and key', async () => {
    const first = await aPeer();
    const password = aPassword();
    const ref = await aStore(first.peer).set('survivor', password);
    await first.peer.close();

    const restarted = await aPeer({ dataFile: first.dataFile, key: first.key });

    expect(await aStore(restarted.peer).get(ref)).toBe(password);
  });

  it('persists concurrent writes one after another, none lost', async () => {
    const first = await aPeer();
    const store = aStore(first.peer);
    const values = Array.from({ length: 12 }, (_, index) => `value-${index}`);
    await Promise.all(values.map((value) => store.set('busy', value)));
    await first.peer.close();

    const restarted = await aPeer({ dataFile: first.dataFile, key: first.key });
    const stored = [];
    for await (const properties of aLocalClient(restarted.peer).listPropertiesOfSecretVersions('busy')) {
      stored.push(await aStore(restarted.peer).get({ name: 'busy', version: properties.version }));
    }

    expect(stored.sort()).toEqual([...values].sort());
  });

  it('refuses to start with another key than the one the file was written with', async () => {
    const first = await aPeer();
    await aStore(first.peer).set('locked', aPassword());
    await first.peer.close();

    const start = aPeer({ dataFile: first.dataFile, key: randomBytes(32) });

    await expect(start).rejects.toBeInstanceOf(DataFileUnreadableError);
    await expect(start).rejects.toThrow(/wrong encryption key/);
  });

  it('refuses a key that is not 32 bytes', async () => {
    await expect(aPeer({ key: randomBytes(16) })).rejects.toThrow(/must be 32 bytes/);
  });
});

describe('Key Vault peer security', () => {
  it('never puts a value in its log', async () => {
    const { peer, log } = await aPeer();
    const password = aPassword();
    const store = aStore(peer);
    const ref = await store.set('logged', password);
    await store.get(ref);
    await store.delete(ref);

    expect(JSON.stringify(log)).not.toContain(password);
  });

  it('is only reachable by clients that trust the local CA', async () => {
    const { peer } = await aPeer();
    const untrusting = new KeyVaultSecretStore(
      new SecretClient(peer.vaultUrl, new LocalTokenCredential(), {
        disableChallengeResourceVerification: true,
        retryOptions: { maxRetries: 0 },
      }),
    );

    await expect(untrusting.get({ name: 'anything' })).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });

  it('is refused by a client that verifies the challenge resource, as the SDK does by default', async () => {
    const { peer } = await aPeer();
    const verifying = aLocalClient(peer, { disableChallengeResourceVerification: false, retryOptions: { maxRetries: 0 } });

    await expect(verifying.getSecret('anything')).rejects.toThrow(/does not match the requested domain/);
  });

  it('does not leak a value through the error of a failed set', async () => {
    const { peer } = await aPeer();
    const store = aStore(peer);
    const password = aPassword();
    await store.set('taken', 'old');
    await store.delete({ name: 'taken' });

    const error = await store.set('taken', password).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SecretStoreError);
    expect(inspect(error, { depth: 10, showHidden: true })).not.toContain(password);
    expect(JSON.stringify(error)).not.toContain(password);
  });
});
