import { randomUUID } from 'node:crypto';
import type { ContainerClient } from '@azure/storage-blob';

// A table property holds at most 64 KiB (UTF-16: 32 K characters); larger payloads go to a blob and the
// property holds its name, as the Azure Storage provider does with its "large messages" container.
const INLINE_LIMIT_CHARS = 30_000;
const BLOB_SUFFIX = 'Blob';

/** Stores text properties of table rows inline when small, in blobs when large. */
export class PayloadStore {
  constructor(private readonly container: ContainerClient) {}

  async ensureContainer(): Promise<void> {
    await this.container.createIfNotExists();
  }

  /** The row properties that hold `value` under `name` (none when it is undefined). */
  async encode(name: string, value: string | undefined): Promise<Record<string, string>> {
    if (value === undefined) return {};
    if (value.length <= INLINE_LIMIT_CHARS) return { [name]: value };
    const blobName = `${name}-${randomUUID()}`;
    await this.container.getBlockBlobClient(blobName).upload(value, Buffer.byteLength(value), {
      blobHTTPHeaders: { blobContentType: 'application/json' },
    });
    return { [name + BLOB_SUFFIX]: blobName };
  }

  async decode(row: Record<string, unknown>, name: string): Promise<string | undefined> {
    const inline = row[name];
    if (typeof inline === 'string') return inline;
    const blobName = row[name + BLOB_SUFFIX];
    if (typeof blobName !== 'string') return undefined;
    const buffer = await this.container.getBlockBlobClient(blobName).downloadToBuffer();
    return buffer.toString('utf8');
  }

  /** Deletes the blobs a row refers to (purge); rows without blobs cost nothing. */
  async release(row: Record<string, unknown>): Promise<void> {
    for (const [key, value] of Object.entries(row)) {
      if (key.endsWith(BLOB_SUFFIX) && typeof value === 'string') {
        await this.container.getBlockBlobClient(value).deleteIfExists();
      }
    }
  }
}
