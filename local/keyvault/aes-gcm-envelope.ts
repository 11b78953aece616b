import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

import { z } from 'zod';

const ALGORITHM = 'aes-256-gcm';
const FORMAT = 'hosted-rpa-local-keyvault';
const IV_BYTES = 12;
const KEY_BYTES = 32;
// Binds the ciphertext to this format, so a blob sealed for another purpose under the same key is refused.
const ASSOCIATED_DATA = Buffer.from(`${FORMAT}/v1`, 'utf8');

const envelopeSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(1),
  algorithm: z.literal(ALGORITHM),
  iv: z.base64(),
  tag: z.base64(),
  ciphertext: z.base64(),
});

export type AesGcmEnvelope = z.infer<typeof envelopeSchema>;

export class EnvelopeDecryptionError extends Error {
  readonly code = 'ENVELOPE_DECRYPTION_FAILED';
}

export function assertEncryptionKey(key: Buffer): void {
  if (key.length !== KEY_BYTES) {
    throw new RangeError(`the encryption key must be ${KEY_BYTES} bytes for ${ALGORITHM}, got ${key.length}`);
  }
}

export function seal(plaintext: Buffer, key: Buffer): AesGcmEnvelope {
  assertEncryptionKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv).setAAD(ASSOCIATED_DATA);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return {
    format: FORMAT,
    version: 1,
    algorithm: ALGORITHM,
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
}

/** Throws EnvelopeDecryptionError when the envelope is malformed, tampered with or sealed under another key. */
export function open(envelope: unknown, key: Buffer): Buffer {
  assertEncryptionKey(key);
  const parsed = envelopeSchema.safeParse(envelope);
  if (!parsed.success) {
    throw new EnvelopeDecryptionError(`not a ${FORMAT} v1 envelope`);
  }
  const { iv, tag, ciphertext } = parsed.data;
  try {
    const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv, 'base64')).setAAD(ASSOCIATED_DATA).setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]);
  } catch {
    throw new EnvelopeDecryptionError('authentication failed: wrong encryption key or altered data');
  }
}
