import type { Page, StoredDocument, Versioned } from './ports/document-store.js';

export const AUDIT = 'audit' as const;

/**
 * One write by a user or an app, as the audit log keeps it: who, when, which route, on what, and the names of the
 * fields it sent. Never a value: bodies carry passwords and secrets, so the log names fields only.
 */
export interface AuditDocument extends StoredDocument {
  type: typeof AUDIT;
  at: string;
  actor: string;
  actorName?: string;
  actorIsApp: boolean;
  /** the route's name (operationId), e.g. `updateGroup` */
  action: string;
  method: string;
  /** the route template, e.g. `environments/{env}/groups/{id}` */
  route: string;
  /** the resource written: the path's id, or the id of what was created */
  targetId: string;
  /** top-level field names of the request body (no values) */
  changedFields: string[];
  /** the answer's status; 0 while unconfirmed */
  status: number;
  /**
   * `unconfirmed`: filed before the change and never confirmed, because the request failed unexpectedly or its host
   * died after it: the change may or may not have landed, but the attempt is never lost. `implied`: filed once, before
   * the change, as its success is answered (a submitted or resubmitted run: `targetId` is the id the new run takes); the change landed if
   * and only if `targetId` exists. Absent: confirmed.
   */
  outcome?: 'unconfirmed' | 'implied';
}

export interface AuditFilter {
  actor?: string | undefined;
  targetId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/** The audit log's store: entries in their environment's partition, read newest first. */
export interface AuditLog {
  /** writes a new entry (idempotent under its id) */
  record(entry: AuditDocument): Promise<void>;
  /** replaces the entry of that id, written unconfirmed before the change, by its confirmed form */
  confirm(entry: AuditDocument): Promise<void>;
  /** removes an unconfirmed entry whose request changed nothing (it was refused) */
  discard(environmentId: string, id: string): Promise<void>;
  search(
    environmentId: string,
    filter: AuditFilter,
    page: { pageSize: number; continuationToken?: string | undefined },
  ): Promise<Page<Versioned<AuditDocument>>>;
}

/** A write request as the audit log sees it, before its answer. */
interface AuditedRequest {
  id: string;
  now: Date;
  principal: { userId: string; name: string; isApp: boolean };
  route: { name: string; method: string; route: string };
  params: Record<string, string>;
  body: unknown;
  /** the write's target is the resource it creates, even where the path names another (a resubmit names the run it copies) */
  targetsCreated?: boolean;
}

/** The entry for a successful write (null for a read, a failed write, or one with no environment to file it under). */
export function auditEntryOf(input: AuditedRequest & { status: number; responseBody: unknown }): AuditDocument | null {
  if (input.route.method === 'GET' || input.status >= 300) return null;
  const created =
    typeof input.responseBody === 'object' && input.responseBody !== null && !Array.isArray(input.responseBody)
      ? (input.responseBody as { id?: unknown }).id
      : undefined;
  const createdId = typeof created === 'string' ? created : undefined;
  const environmentId = input.params.env ?? (input.route.route === 'environments' ? createdId : undefined);
  if (!environmentId) return null;
  const targetId = (input.targetsCreated ? createdId : undefined) ?? input.params.id ?? input.params.userId ?? createdId ?? environmentId;
  const changedFields = typeof input.body === 'object' && input.body !== null && !Array.isArray(input.body) ? Object.keys(input.body).sort() : [];
  const at = input.now.toISOString();
  const name = input.principal.name.trim().slice(0, 200);
  return {
    id: input.id,
    environmentId,
    type: AUDIT,
    at,
    actor: input.principal.userId,
    ...(name ? { actorName: name } : {}),
    actorIsApp: input.principal.isApp,
    action: input.route.name,
    method: input.route.method,
    route: input.route.route,
    targetId,
    changedFields,
    status: input.status,
    createdAt: at,
    updatedAt: at,
  };
}

/**
 * The entry filed before a write runs (write-ahead), so that a host dying between the change and its confirmation
 * leaves the attempt on record: `unconfirmed`, status 0, the path's target. Null for reads and for a write with no
 * environment yet (creating an environment is filed after the change only: its partition is the new id).
 */
export function auditIntentOf(input: AuditedRequest): AuditDocument | null {
  if (input.route.method === 'GET' || !input.params.env) return null;
  const entry = auditEntryOf({ ...input, status: 0, responseBody: undefined });
  return entry ? { ...entry, outcome: 'unconfirmed' } : null;
}

/**
 * The one entry of a write that creates a resource under an id drawn before it (a submitted run), filed before the
 * change in the form its success takes: `status` and the created id as its target, `implied` (the resource exists if
 * and only if the change landed). One write instead of two: a confirmation would only repeat what the resource's
 * existence says. A request answered otherwise (refused, failed, or naming another resource) settles it as any intent.
 */
export function auditImpliedIntentOf(input: AuditedRequest & { status: number; createdId: string }): AuditDocument | null {
  if (input.route.method === 'GET' || !input.params.env) return null;
  const entry = auditEntryOf({ ...input, responseBody: { id: input.createdId }, targetsCreated: true });
  return entry ? { ...entry, outcome: 'implied' } : null;
}

/** Whether the answer's entry says no more than the implied intent filed before it: then nothing is written after the change. */
export function impliedIntentHolds(intent: AuditDocument, entry: AuditDocument): boolean {
  return intent.outcome === 'implied' && entry.status === intent.status && entry.targetId === intent.targetId;
}
