import type { StoredDocument, Versioned } from '../../../app/ports/document-store.js';
import type { MemoryDocumentStore } from './memory-document-store.js';

/**
 * Makes the next replace of one document lose a race: just before it lands, `meanwhile` rewrites the stored document
 * (another request's write), so the replace meets a changed etag (StalePreconditionError) once. Later writes go through.
 */
export function loseNextReplace<T extends StoredDocument>(
  store: MemoryDocumentStore,
  environmentId: string,
  id: string,
  meanwhile: (current: Versioned<T>) => T,
): void {
  const replace = store.replace.bind(store);
  let raced = false;
  store.replace = async <D extends StoredDocument>(doc: D, etag: string): Promise<Versioned<D>> => {
    if (!raced && doc.environmentId === environmentId && doc.id === id) {
      raced = true;
      const current = await store.get<T>(environmentId, id);
      if (current) await replace(meanwhile(current), current.etag);
    }
    return replace(doc, etag);
  };
}
