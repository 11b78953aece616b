import { createHash } from 'node:crypto';
import type { Principal } from '../../domain/principal.js';
import { canManageEnvironment, groupAccess } from '../../domain/access-rules.js';
import { GROUP, type GroupDocument } from '../../domain/group.js';
import type { RunDocument } from '../../domain/run.js';
import { invalidContinuationToken } from '../paging/continuation-tokens.js';
import type { DocumentStore, Page, Versioned } from '../ports/document-store.js';
import { loadEnvironmentContext } from '../environments/environment-context.js';
import { BadContinuationTokenError, type PageRequest, type RunFilter, type RunStore } from './run-store.js';

/** What listing an environment's runs needs. */
export interface RunListPorts {
  /** environments, members and groups (the groups the caller may use) */
  store: DocumentStore;
  runs: RunStore;
}

export type RunListFilter = Omit<RunFilter, 'visibleTo'>;

// The store's continuation token is good only for the query it came from; the wrapper seals it to the route and
// environment, and this seals it to the filters too, so that a token of another filter is 400, not a wrong page.
function filterDigest(filter: RunListFilter): string {
  const canonical = JSON.stringify([filter.state, filter.groupId, filter.desktopFlowId, filter.submittedBy, filter.from, filter.to]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

function openToken(filter: RunListFilter, token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const digest = filterDigest(filter);
  if (!token.startsWith(`${digest}:`)) throw invalidContinuationToken();
  return token.slice(digest.length + 1);
}

/**
 * The environment's runs the caller may see, the most recently queued first, one page: a SystemAdministrator every
 * run (of deleted groups too); anyone else the runs of groups it may use now and the runs it submitted itself
 * (of deleted groups too). One query in the environment's partition; the visibility is part of its WHERE clause.
 */
export async function listRuns(
  deps: RunListPorts,
  principal: Principal,
  environmentId: string,
  filter: RunListFilter,
  page: PageRequest,
): Promise<Page<Versioned<RunDocument>>> {
  const { env, member } = await loadEnvironmentContext(deps, environmentId, principal);
  let visibleTo: RunFilter['visibleTo'];
  if (!canManageEnvironment(member)) {
    const { items: groups } = await deps.store.list<GroupDocument>(env.id, GROUP, { orderBy: 'createdAt' });
    visibleTo = { groupIds: groups.filter((g) => groupAccess(member, g) !== 'none').map((g) => g.id), userId: member.userId };
  }
  try {
    const result = await deps.runs.queries.search(
      env.id,
      { ...filter, visibleTo },
      { pageSize: page.pageSize, continuationToken: openToken(filter, page.continuationToken) },
    );
    return { items: result.items, ...(result.continuationToken ? { continuationToken: `${filterDigest(filter)}:${result.continuationToken}` } : {}) };
  } catch (err) {
    if (err instanceof BadContinuationTokenError) throw invalidContinuationToken();
    throw err;
  }
}
