import type { Principal } from '../../domain/principal.js';
import type { Membership } from '../../domain/access-rules.js';
import { memberDocumentId, type EnvironmentDocument, type MemberDocument } from '../../domain/environment.js';
import { AppError } from '../../domain/errors/app-error.js';
import { ifMatchAllows } from '../paging/entity-tags.js';
import { StalePreconditionError, type DocumentStore, type Versioned } from '../ports/document-store.js';

/** What loading an environment as its caller may see it needs (consumer-side: callers pass any object that has these). */
export interface EnvironmentReadPorts {
  /** environments and their members */
  store: DocumentStore;
}

/** What loading and changing an environment needs. */
export interface EnvironmentContextPorts extends EnvironmentReadPorts {
  now(): Date;
}

export interface EnvironmentContext {
  env: Versioned<EnvironmentDocument>;
  member: Membership;
  /** the caller's display name as its member document has it */
  memberName?: string | undefined;
}

/**
 * The environment as its caller may see it. Callers who are not active members get 404, exactly as for an
 * environment that does not exist, so ids of other tenants' environments reveal nothing.
 */
export async function loadEnvironmentContext(deps: EnvironmentReadPorts, id: string, principal: Principal): Promise<EnvironmentContext> {
  const [env, member] = await Promise.all([
    deps.store.get<EnvironmentDocument>(id, id),
    deps.store.get<MemberDocument>(id, memberDocumentId(principal.userId)),
  ]);
  if (!env || !member?.active) throw AppError.notFound('Environment');
  return { env, member: { userId: member.userId, roles: member.roles, active: member.active }, memberName: member.name };
}

const LEDGER_ATTEMPTS = 8;

/**
 * Applies `change` to the environment document with optimistic concurrency, re-reading and re-checking on
 * every lost race. `change` throws an AppError to refuse; it must be pure (it may run more than once).
 * `expectedEtag` is the caller's If-Match (quoted or bare): given, the change applies only to that version.
 */
export async function changeEnvironment(
  deps: EnvironmentContextPorts,
  environmentId: string,
  change: (env: Versioned<EnvironmentDocument>) => EnvironmentDocument,
  expectedEtag?: string,
): Promise<Versioned<EnvironmentDocument>> {
  for (let attempt = 1; ; attempt++) {
    const current = await deps.store.get<EnvironmentDocument>(environmentId, environmentId);
    if (!current) throw AppError.notFound('Environment');
    if (expectedEtag !== undefined && !ifMatchAllows(expectedEtag, current.etag)) {
      throw new AppError('PreconditionFailed', 'The environment changed since you read it; read it again.');
    }
    const next = { ...change(current), updatedAt: deps.now().toISOString() };
    try {
      return await deps.store.replace(next, current.etag);
    } catch (err) {
      if (!(err instanceof StalePreconditionError)) throw err;
      if (expectedEtag !== undefined) throw new AppError('PreconditionFailed', 'The environment changed since you read it; read it again.');
      if (attempt >= LEDGER_ATTEMPTS) throw new AppError('Conflict', 'The environment is being changed by other requests; retry.');
    }
  }
}

/**
 * If-Match on a resource: a stale etag is 412 before anything is written. The header may carry the entity tag quoted
 * (as the ETag header sends it) or bare (as the `etag` field has it), or `*`; weak tags never match (app/paging/entity-tags.ts).
 */
export function checkIfMatch(ifMatch: string | undefined, etag: string): void {
  if (ifMatch === undefined) return;
  if (!ifMatchAllows(ifMatch, etag)) throw new AppError('PreconditionFailed', 'The resource changed since you read it (If-Match).');
}
