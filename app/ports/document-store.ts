import type { StoredDocument } from '../../domain/stored-document.js';

export type { StoredDocument };

export type Versioned<T> = T & { etag: string };

export interface Page<T> {
  items: T[];
  continuationToken?: string;
}

/** The write lost a race: the document changed since it was read (If-Match failed). */
export class StalePreconditionError extends Error {
  constructor(readonly id: string) {
    super(`Document ${id} changed since it was read.`);
    this.name = 'StalePreconditionError';
  }
}

/** A document with that id already exists in the partition. */
export class DuplicateDocumentError extends Error {
  constructor(readonly id: string) {
    super(`Document ${id} already exists.`);
    this.name = 'DuplicateDocumentError';
  }
}

export interface ListOptions {
  where?: Record<string, string | number | boolean>;
  whereIn?: Record<string, readonly (string | number | boolean)[]>;
  orderBy?: string;
  descending?: boolean;
  pageSize?: number;
  continuationToken?: string;
}

/** The port for the control-plane documents, declared where the services consume it. */
export interface DocumentStore {
  get<T extends StoredDocument>(environmentId: string, id: string): Promise<Versioned<T> | undefined>;
  create<T extends StoredDocument>(doc: T): Promise<Versioned<T>>;
  /** replaces only if the stored etag is still `etag` */
  replace<T extends StoredDocument>(doc: T, etag: string): Promise<Versioned<T>>;
  /** deletes; with `etag`, only if unchanged; a missing document is not an error */
  delete(environmentId: string, id: string, etag?: string): Promise<void>;
  /**
   * documents of one type in one partition, filtered by equality on the given fields (`where`) and by membership of a
   * field in a set of values (`whereIn`; an empty set matches nothing), ordered by `orderBy`
   */
  list<T extends StoredDocument>(environmentId: string, type: string, options?: ListOptions): Promise<Page<Versioned<T>>>;
}
