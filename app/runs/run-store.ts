import type { RunDocument } from '../../domain/run.js';
import type { DocumentStore, Page, StoredDocument, Versioned } from '../ports/document-store.js';

/**
 * What the runs services need of the runs container (keyed [environmentId, id]: each document is its own logical
 * partition, so none grows with the environment's history): point reads and conditional writes through the generic
 * `DocumentStore`, plus the few queries below. Every query names the key prefix [environmentId] and sorts on one
 * indexed field.
 */
export interface RunQueries {
  /** the first `top` queued runs of a group in dispatch order (`TOP @top … ORDER BY c.dispatchKey`): the claim's only query */
  nextQueued(environmentId: string, groupId: string, top: number): Promise<Versioned<RunDocument>[]>;
  /**
   * how many runs of a group are queued: one index-only `SELECT VALUE COUNT(1)` under one key prefix (the submission's
   * queue-length check). It reads index entries, not documents, and there are at most MAX_QUEUED_RUNS_PER_GROUP of them.
   */
  queuedCount(environmentId: string, groupId: string): Promise<number>;
  /** the run a bot holds (Running on it), if any */
  runningOn(environmentId: string, groupId: string, botId: string): Promise<Versioned<RunDocument> | undefined>;
  /** queued and running runs of a group in dispatch order (running first), one page */
  active(environmentId: string, groupId: string, page: PageRequest): Promise<Page<Versioned<RunDocument>>>;
  /** queued and running runs of every group of the environment, one page (the stuck-run sweep) */
  unfinished(environmentId: string, page: PageRequest): Promise<Page<Versioned<RunDocument>>>;
  /** ended runs of the environment whose callback is still Pending (the callback sweep), one page */
  pendingCallbacks(environmentId: string, page: PageRequest): Promise<Page<Versioned<RunDocument>>>;
  /** ended runs of a group, the most recently ended first, one page */
  ended(environmentId: string, groupId: string, page: PageRequest): Promise<Page<Versioned<RunDocument>>>;
  /**
   * runs of the environment matching `filter`, the most recently queued first, one page: one query in the
   * environment's partition, equality (and `IN`) filters and a range on `queuedAt`, `ORDER BY c.queuedAt DESC`
   */
  search(environmentId: string, filter: RunFilter, page: PageRequest): Promise<Page<Versioned<RunDocument>>>;
}

/** What `GET /environments/{env}/runs` filters on; `visibleTo` limits the runs to those a member may see. */
export interface RunFilter {
  state?: RunDocument['state'] | undefined;
  groupId?: string | undefined;
  desktopFlowId?: string | undefined;
  submittedBy?: string | undefined;
  /** inclusive bounds on `queuedAt` (ISO, UTC) */
  from?: string | undefined;
  to?: string | undefined;
  /** runs of these groups, or submitted by this user; absent: every run (SystemAdministrators) */
  visibleTo?: { groupIds: string[]; userId: string } | undefined;
}

export interface PageRequest {
  pageSize: number;
  continuationToken?: string | undefined;
}

/** A continuation token the store could not read. */
export class BadContinuationTokenError extends Error {
  constructor() {
    super('Not a continuation token of this list.');
    this.name = 'BadContinuationTokenError';
  }
}

export const IDEMPOTENCY = 'idempotency' as const;

/** An Idempotency-Key seen for one (environment, caller): which run it created and for which body. */
export interface IdempotencyRecord extends StoredDocument {
  type: typeof IDEMPOTENCY;
  runId: string;
  /** sha256 of the canonical JSON of the submission */
  bodyHash: string;
  callerId: string;
  /** the record is void after this time (24 h) */
  expiresAt: string;
  /** seconds; Cosmos removes the item after this where the container has TTL enabled */
  ttl: number;
}

/** The runs container: documents (runs and idempotency records) and the run queries. */
export interface RunStore {
  docs: DocumentStore;
  queries: RunQueries;
}
