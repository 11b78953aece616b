import type { Principal } from '../domain/principal.js';
import type { EnvironmentDocument, MemberDocument } from '../domain/environment.js';
import type { Role } from '../domain/roles.js';
import { invalidContinuationToken } from './paging/continuation-tokens.js';
import type { DocumentStore, Page, Versioned } from './ports/document-store.js';
import type { EnvironmentDirectory } from './environment-directory.js';
import { BadContinuationTokenError, type PageRequest } from './runs/run-store.js';
import { bestEffort } from './errors/best-effort.js';

/** What `GET /me` and `GET /environments` need. */
export interface MePorts {
  /** environments and members (a member's name is recorded in its document) */
  store: DocumentStore;
  /** the caller's memberships and every environment, paged */
  directory: EnvironmentDirectory;
  now(): Date;
}

/** At most this many environments are listed in `GET /me` (the rest through `GET /environments`). */
export const ME_MAX_ENVIRONMENTS = 200;

export interface Me {
  id: string;
  name: string;
  platformAdmin: boolean;
  isApp: boolean;
  environments: Array<{ id: string; name: string; roles: Role[] }>;
  /** more environments than `ME_MAX_ENVIRONMENTS`: page through `GET /environments` */
  environmentsTruncated: boolean;
}

async function translated<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof BadContinuationTokenError) throw invalidContinuationToken();
    throw err;
  }
}

/** The environments behind a page of memberships: point reads in each one's partition (one per item of the page). */
async function environmentsOf(deps: MePorts, environmentIds: string[]): Promise<Versioned<EnvironmentDocument>[]> {
  const envs = await Promise.all(environmentIds.map((id) => deps.store.get<EnvironmentDocument>(id, id)));
  return envs.filter((e): e is Versioned<EnvironmentDocument> => e?.type === 'environment');
}

/**
 * A member added by an administrator is known by its id alone; its name comes from its own token. GET /me records it
 * in the member documents that lack it or have an older one, so that members and shares lists show it. Best effort:
 * a lost race or a failed write leaves the old name, and the next GET /me tries again.
 */
async function recordName(deps: MePorts, principal: Principal, memberships: Versioned<MemberDocument>[]): Promise<void> {
  const name = principal.name.trim().slice(0, 200);
  if (name === '') return;
  const outdated = memberships.filter((m) => m.name !== name);
  await Promise.all(
    outdated.map((m) =>
      bestEffort(deps.store.replace<MemberDocument>({ ...m, name, updatedAt: deps.now().toISOString() }, m.etag), `recording the name of member ${m.id}`),
    ),
  );
}

/** The caller: who the token says it is, and the environments it is an active member of, with its roles there. */
export async function getMe(deps: MePorts, principal: Principal): Promise<Me> {
  const page = await deps.directory.membershipsOf(principal.userId, { pageSize: ME_MAX_ENVIRONMENTS });
  await recordName(deps, principal, page.items);
  const envs = new Map(
    (
      await environmentsOf(
        deps,
        page.items.map((m) => m.environmentId),
      )
    ).map((e) => [e.id, e]),
  );
  const environments = page.items.flatMap((m) => {
    const env = envs.get(m.environmentId);
    return env ? [{ id: env.id, name: env.name, roles: m.roles }] : [];
  });
  return {
    id: principal.userId,
    name: principal.name,
    platformAdmin: principal.platformAdmin,
    isApp: principal.isApp,
    environments,
    environmentsTruncated: page.continuationToken !== undefined,
  };
}

/** Environments the caller is an active member of (a Platform.Admin: every environment), one page. */
export async function listEnvironments(deps: MePorts, principal: Principal, page: PageRequest): Promise<Page<Versioned<EnvironmentDocument>>> {
  if (principal.platformAdmin) return translated(deps.directory.environments(page));
  const memberships = await translated(deps.directory.membershipsOf(principal.userId, page));
  const items = await environmentsOf(
    deps,
    memberships.items.map((m) => m.environmentId),
  );
  return { items, ...(memberships.continuationToken ? { continuationToken: memberships.continuationToken } : {}) };
}
