import { randomBytes } from 'node:crypto';
import { mkdir, open as openFile, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

import { assertEncryptionKey, EnvelopeDecryptionError, open, seal } from './aes-gcm-envelope.js';

export class DataFileUnreadableError extends Error {
  readonly code = 'KEYVAULT_DATA_FILE_UNREADABLE';
}

/** A JSON document kept on disk only as an AES-256-GCM envelope, replaced atomically on every write. */
export class EncryptedDataFile {
  constructor(
    readonly path: string,
    private readonly key: Buffer,
  ) {
    assertEncryptionKey(key);
  }

  /** The stored document, or undefined when the file does not exist yet. */
  async read(): Promise<unknown> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if (isFileMissing(error)) {
        return undefined;
      }
      throw error;
    }
    try {
      return JSON.parse(open(JSON.parse(text), this.key).toString('utf8'));
    } catch (error) {
      const reason = error instanceof EnvelopeDecryptionError ? error.message : 'not a JSON envelope';
      throw new DataFileUnreadableError(`cannot read the local Key Vault data file ${this.path}: ${reason}`);
    }
  }

  /** Temp file, fsync, rename: a crash leaves either the old or the new document, never half of one. */
  async write(document: unknown): Promise<void> {
    const envelope = seal(Buffer.from(JSON.stringify(document), 'utf8'), this.key);
    const tempPath = `${this.path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    await mkdir(dirname(this.path), { recursive: true });
    try {
      const handle = await openFile(tempPath, 'w', 0o600);
      try {
        await handle.writeFile(JSON.stringify(envelope), 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tempPath, this.path);
    } catch (error) {
      await rm(tempPath, { force: true });
      throw error;
    }
  }
}

function isFileMissing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
}
