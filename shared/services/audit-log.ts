import type { Page, StoredDocument, Versioned } from '../store/document-store.js';

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
  status: number;
}

export interface AuditFilter {
  actor?: string | undefined;
  targetId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/** The audit log's store: entries in their environment's partition, read newest first. */
export interface AuditLog {
  record(entry: AuditDocument): Promise<void>;
  search(environmentId: string, filter: AuditFilter, page: { pageSize: number; continuationToken?: string | undefined }): Promise<Page<Versioned<AuditDocument>>>;
}

/** The entry for a successful write (null for a read, a failed write, or one with no environment to file it under). */
export function auditEntryOf(input: {
  id: string;
  now: Date;
  principal: { userId: string; name: string; isApp: boolean };
  route: { name: string; method: string; route: string };
  params: Record<string, string>;
  body: unknown;
  status: number;
  responseBody: unknown;
}): AuditDocument | null {
  if (input.route.method === 'GET' || input.status >= 300) return null;
  const created = typeof input.responseBody === 'object' && input.responseBody !== null && !Array.isArray(input.responseBody) ? (input.responseBody as { id?: unknown }).id : undefined;
  const createdId = typeof created === 'string' ? created : undefined;
  const environmentId = input.params.env ?? (input.route.route === 'environments' ? createdId : undefined);
  if (!environmentId) return null;
  const targetId = input.params.id ?? input.params.userId ?? createdId ?? environmentId;
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
