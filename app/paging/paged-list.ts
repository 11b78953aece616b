import { invalidContinuationToken } from './continuation-tokens.js';
import type { Page } from '../ports/document-store.js';
import { httpStatusOf } from '../../domain/errors/error-probe.js';

/** Reads one page of a list; a continuation token the store cannot read is the caller's mistake (400), not ours. */
export async function readPage<T>(continuationToken: string | undefined, read: () => Promise<Page<T>>): Promise<Page<T>> {
  try {
    return await read();
  } catch (err) {
    if (continuationToken && httpStatusOf(err) === 400) throw invalidContinuationToken();
    throw err;
  }
}
