import { invalidContinuationToken } from '../http/continuation-tokens.js';
import type { Page } from '../store/document-store.js';

/** Reads one page of a list; a continuation token the store cannot read is the caller's mistake (400), not ours. */
export async function readPage<T>(continuationToken: string | undefined, read: () => Promise<Page<T>>): Promise<Page<T>> {
  try {
    return await read();
  } catch (err) {
    const status = (err as { code?: unknown }).code;
    if (continuationToken && status === 400) throw invalidContinuationToken();
    throw err;
  }
}
