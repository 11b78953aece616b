import { createHash } from 'node:crypto';
import type { Principal } from '../domain/principal.js';
import { canManageEnvironment } from '../domain/access-rules.js';
import { AppError } from '../domain/errors/app-error.js';
import { invalidContinuationToken } from './paging/continuation-tokens.js';
import type { DocumentStore, Page, Versioned } from './ports/document-store.js';
import type { AuditDocument, AuditFilter, AuditLog } from './audit-log.js';
import { loadEnvironmentContext } from './environments/environment-context.js';
import { BadContinuationTokenError, type PageRequest } from './runs/run-store.js';

/** What reading the audit log needs. */
export interface AuditPorts {
  /** the environment and the caller's membership */
  store: DocumentStore;
  audit: Pick<AuditLog, 'search'>;
}

// a token of other filters is refused (400) rather than continuing another query (see runs/list-runs.ts)
function filterDigest(filter: AuditFilter): string {
  return createHash('sha256')
    .update(JSON.stringify([filter.actor, filter.targetId, filter.from, filter.to]))
    .digest('base64url')
    .slice(0, 16);
}

/** The environment's audit log, newest first, one page (SystemAdministrators). */
export async function listAudit(
  deps: AuditPorts,
  principal: Principal,
  environmentId: string,
  filter: AuditFilter,
  page: PageRequest,
): Promise<Page<Versioned<AuditDocument>>> {
  const { env, member } = await loadEnvironmentContext(deps, environmentId, principal);
  if (!canManageEnvironment(member)) throw AppError.forbidden('Only a SystemAdministrator may read the audit log.');
  const digest = filterDigest(filter);
  let inner: string | undefined;
  if (page.continuationToken !== undefined) {
    if (!page.continuationToken.startsWith(`${digest}:`)) throw invalidContinuationToken();
    inner = page.continuationToken.slice(digest.length + 1);
  }
  try {
    const result = await deps.audit.search(env.id, filter, { pageSize: page.pageSize, continuationToken: inner });
    return { items: result.items, ...(result.continuationToken ? { continuationToken: `${digest}:${result.continuationToken}` } : {}) };
  } catch (err) {
    if (err instanceof BadContinuationTokenError) throw invalidContinuationToken();
    throw err;
  }
}
