import {
  DuplicateDocumentError,
  StalePreconditionError,
  type DocumentStore,
  type ListOptions,
  type Page,
  type StoredDocument,
  type Versioned,
} from '../../../app/ports/document-store.js';

type Field = string | number | boolean;

/**
 * A DocumentStore in memory that answers as the Cosmos adapter does: every write gets a new etag, a replace or
 * delete under a stale etag throws StalePreconditionError, a create of an existing id DuplicateDocumentError.
 * Reads hand out copies, so a use case cannot change a stored document without writing it.
 * `failCreateOf` makes every create of that document type fail (a store that is down for that write).
 */
export class MemoryDocumentStore implements DocumentStore {
  readonly docs = new Map<string, Versioned<StoredDocument>>();
  failCreateOf: string | undefined;
  private version = 0;

  private key = (environmentId: string, id: string) => `${environmentId}/${id}`;

  private save<T extends StoredDocument>(doc: T): Versioned<T> {
    const saved = { ...structuredClone(doc), etag: `"${++this.version}"` };
    this.docs.set(this.key(doc.environmentId, doc.id), saved);
    return structuredClone(saved);
  }

  async get<T extends StoredDocument>(environmentId: string, id: string): Promise<Versioned<T> | undefined> {
    const doc = this.docs.get(this.key(environmentId, id));
    return doc === undefined ? undefined : (structuredClone(doc) as Versioned<T>);
  }

  async create<T extends StoredDocument>(doc: T): Promise<Versioned<T>> {
    if (this.failCreateOf === doc.type) throw new Error('the store is down');
    if (this.docs.has(this.key(doc.environmentId, doc.id))) throw new DuplicateDocumentError(doc.id);
    const { etag: _etag, ...fresh } = doc as T & { etag?: string };
    void _etag;
    return this.save(fresh as unknown as T);
  }

  async replace<T extends StoredDocument>(doc: T, etag: string): Promise<Versioned<T>> {
    if (this.docs.get(this.key(doc.environmentId, doc.id))?.etag !== etag) throw new StalePreconditionError(doc.id);
    const { etag: _etag, ...next } = doc as T & { etag?: string };
    void _etag;
    return this.save(next as unknown as T);
  }

  async delete(environmentId: string, id: string, etag?: string): Promise<void> {
    const doc = this.docs.get(this.key(environmentId, id));
    if (doc && etag !== undefined && doc.etag !== etag) throw new StalePreconditionError(id);
    this.docs.delete(this.key(environmentId, id));
  }

  /** `where`, `whereIn` and `orderBy` as the adapter applies them; one page holds everything. */
  async list<T extends StoredDocument>(environmentId: string, type: string, options: ListOptions = {}): Promise<Page<Versioned<T>>> {
    const field = (d: Versioned<StoredDocument>, k: string) => (d as unknown as Record<string, Field | undefined>)[k];
    const items = [...this.docs.values()].filter(
      (d) =>
        d.environmentId === environmentId &&
        d.type === type &&
        Object.entries(options.where ?? {}).every(([k, v]) => field(d, k) === v) &&
        Object.entries(options.whereIn ?? {}).every(([k, values]) => values.includes(field(d, k) as Field)),
    );
    const { orderBy, descending } = options;
    if (orderBy !== undefined) {
      items.sort((a, b) => {
        const [x, y] = [String(field(a, orderBy) ?? ''), String(field(b, orderBy) ?? '')];
        return (x < y ? -1 : x > y ? 1 : 0) * (descending ? -1 : 1);
      });
    }
    return { items: structuredClone(items) as Versioned<T>[] };
  }

  /** The stored documents of one type in one partition, in insertion order: what a test asserts was written. */
  ofType<T extends StoredDocument>(environmentId: string, type: string): Versioned<T>[] {
    return [...this.docs.values()].filter((d) => d.environmentId === environmentId && d.type === type) as Versioned<T>[];
  }
}
