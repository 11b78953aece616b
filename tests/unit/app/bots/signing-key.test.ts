import { describe, expect, it } from 'vitest';
import { secretStoreSigningKey } from '../../../../app/bots/signing-key.js';
import { BOT_SIGNING_KEY_SECRET, SecretStoreError, type SecretReference, type SecretStore } from '../../../../app/ports/secret-store.js';
import { MemorySecretStore } from '../../../support/fakes/memory-secret-store.js';

/** A secret store that counts reads and writes, over the memory store. */
function countingStore(secrets = new MemorySecretStore()) {
  const calls = { get: 0, set: [] as Array<Record<string, string> | undefined> };
  const store: SecretStore = {
    get: (ref) => {
      calls.get++;
      return secrets.get(ref);
    },
    set: (name, value, tags) => {
      calls.set.push(tags);
      return secrets.set(name, value);
    },
    delete: (ref) => secrets.delete(ref),
  };
  return { store, calls, secrets };
}

describe('the bot credential signing key', () => {
  it('is made on first use: 48 random bytes stored base64 in the secret store, tagged with its purpose', async () => {
    const { store, calls, secrets } = countingStore();
    const key = await secretStoreSigningKey(store)();
    expect(key).toHaveLength(48);
    expect(Buffer.from(key).toString('base64')).toBe(secrets.latest(BOT_SIGNING_KEY_SECRET));
    expect(calls.set).toEqual([{ purpose: 'bot credentials' }]);
  });

  it('is the stored one when it exists, read once per instance', async () => {
    const { store, calls, secrets } = countingStore();
    const stored = Buffer.alloc(48, 7);
    await secrets.set(BOT_SIGNING_KEY_SECRET, stored.toString('base64'));
    const signingKey = secretStoreSigningKey(store);
    expect(Buffer.from(await signingKey()).equals(stored)).toBe(true);
    expect(Buffer.from(await signingKey()).equals(stored)).toBe(true);
    expect(calls).toEqual({ get: 1, set: [] });
  });

  it('converges on one key when two instances make it at once (both read back the latest version)', async () => {
    const secrets = new MemorySecretStore();
    // both instances find no key, then both write one: the writes are held until both have been asked
    let release!: () => void;
    const bothWriting = new Promise<void>((resolve) => (release = resolve));
    let writers = 0;
    const racing: SecretStore = {
      get: (ref) => secrets.get(ref),
      set: async (name, value) => {
        if (++writers === 2) release();
        await bothWriting;
        return secrets.set(name, value);
      },
      delete: (ref) => secrets.delete(ref),
    };
    const [a, b] = await Promise.all([secretStoreSigningKey(racing)(), secretStoreSigningKey(racing)()]);
    expect(writers).toBe(2);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).toString('base64')).toBe(secrets.latest(BOT_SIGNING_KEY_SECRET));
  });

  it('does not keep a failed read: the next call tries again, and a store failure makes no new key', async () => {
    const secrets = new MemorySecretStore();
    await secrets.set(BOT_SIGNING_KEY_SECRET, Buffer.alloc(48, 1).toString('base64'));
    let down = true;
    const flaky: SecretStore = {
      get: async (ref: SecretReference) => {
        if (down) throw new SecretStoreError('SECRET_STORE_FAILURE', 'Key Vault get failed (HTTP 503)');
        return secrets.get(ref);
      },
      set: () => Promise.reject(new Error('no key may be made while the store fails')),
      delete: (ref) => secrets.delete(ref),
    };
    const signingKey = secretStoreSigningKey(flaky);
    await expect(signingKey()).rejects.toThrow('HTTP 503');
    down = false;
    expect(Buffer.from(await signingKey()).equals(Buffer.alloc(48, 1))).toBe(true);
  });
});
