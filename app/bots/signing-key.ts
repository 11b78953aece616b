import { randomBytes } from 'node:crypto';
import { BOT_SIGNING_KEY_SECRET, SecretNotFoundError, type SecretStore } from '../ports/secret-store.js';
import type { SigningKeySource } from './bot-credentials.js';

/**
 * The bot-credential signing key from the secret store, made on first use. Two instances racing to make it
 * both re-read the latest version after writing, so they converge on one key.
 */
export function secretStoreSigningKey(secrets: SecretStore): SigningKeySource {
  let key: Promise<Uint8Array> | undefined;
  const load = async (): Promise<Uint8Array> => {
    try {
      return Buffer.from(await secrets.get({ name: BOT_SIGNING_KEY_SECRET }), 'base64');
    } catch (err) {
      if (!(err instanceof SecretNotFoundError)) throw err;
      await secrets.set(BOT_SIGNING_KEY_SECRET, randomBytes(48).toString('base64'), { purpose: 'bot credentials' });
      return Buffer.from(await secrets.get({ name: BOT_SIGNING_KEY_SECRET }), 'base64');
    }
  };
  return () => {
    key ??= load().catch((err: unknown) => {
      key = undefined;
      throw err;
    });
    return key;
  };
}
