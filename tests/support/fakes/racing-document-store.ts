import type { StoredDocument, Versioned } from '../../../app/ports/document-store.js';
import { MemoryDocumentStore } from './memory-document-store.js';

/**
 * A MemoryDocumentStore whose replaces can be made to lose: `beforeNextReplace` lets another writer change a document
 * between a use case's read and its replace (which then meets a newer etag and throws StalePreconditionError, as
 * Cosmos answers 412); `replaceError` makes every replace throw it. `replaceAttempts` counts the use case's replaces.
 */
export class RacingDocumentStore extends MemoryDocumentStore {
  replaceAttempts = 0;
  replaceError: Error | undefined;
  readonly #otherWriters: Array<() => Promise<unknown>> = [];
  #interleaving = false;

  /** `otherWriter` runs just before the next replace; its own writes go through untouched. */
  beforeNextReplace(otherWriter: () => Promise<unknown>): void {
    this.#otherWriters.push(otherWriter);
  }

  override async replace<T extends StoredDocument>(doc: T, etag: string): Promise<Versioned<T>> {
    if (this.#interleaving) return super.replace(doc, etag);
    this.replaceAttempts++;
    const otherWriter = this.#otherWriters.shift();
    if (otherWriter !== undefined) {
      this.#interleaving = true;
      try {
        await otherWriter();
      } finally {
        this.#interleaving = false;
      }
    }
    if (this.replaceError !== undefined) throw this.replaceError;
    return super.replace(doc, etag);
  }
}
