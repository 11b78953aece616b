import type { Principal } from '../../domain/principal.js';
import { canManageEnvironment } from '../../domain/access-rules.js';
import { memberDocumentId, type EnvironmentDocument, type MemberDocument } from '../../domain/environment.js';
import type { Role } from '../../domain/roles.js';
import { AppError } from '../../domain/errors/app-error.js';
import { StalePreconditionError, type DocumentStore, type Versioned } from '../ports/document-store.js';
import { checkIfMatch, loadEnvironmentContext } from './environment-context.js';
import { bestEffort } from '../errors/best-effort.js';

/** What the member use cases need. */
export interface MemberPorts {
  /** the environment and its members */
  store: DocumentStore;
  now(): Date;
}

/** What reading the members' names and status needs. */
export interface MemberReadPorts {
  store: Pick<DocumentStore, 'list'>;
}

async function requireAdmin(deps: MemberPorts, principal: Principal, environmentId: string) {
  const ctx = await loadEnvironmentContext(deps, environmentId, principal);
  if (!canManageEnvironment(ctx.member)) throw AppError.forbidden('Only a SystemAdministrator may manage members.');
  return ctx;
}

async function activeAdministrators(deps: MemberPorts, environmentId: string): Promise<string[]> {
  const { items } = await deps.store.list<MemberDocument>(environmentId, 'member', { where: { active: true } });
  return items.filter((m) => m.roles.includes('SystemAdministrator')).map((m) => m.userId);
}

/** An environment always keeps one active SystemAdministrator, or nobody could manage it again. */
async function refuseLosingLastAdministrator(deps: MemberPorts, environmentId: string, userId: string): Promise<void> {
  const admins = await activeAdministrators(deps, environmentId);
  if (admins.length === 1 && admins[0] === userId) {
    throw AppError.rule('LastSystemAdministrator', 'The environment must keep at least one active SystemAdministrator.');
  }
}

const GUARD_ATTEMPTS = 5;

/**
 * Takes the SystemAdministrator role from a member (a demotion or a deactivation) without ever leaving the
 * environment without one, even when two requests demote the last two at once. Each attempt reads the environment,
 * checks the other administrators, writes the member, then bumps the environment under the etag it read: of two
 * racing demotions only one bump lands; the other undoes its member write and tries again, and then sees the
 * first one's demotion (written before its bump) and is refused.
 */
async function withoutLosingLastAdministrator(
  deps: MemberPorts,
  environmentId: string,
  userId: string,
  change: (member: Versioned<MemberDocument>) => MemberDocument,
  ifMatch: string | undefined,
): Promise<Versioned<MemberDocument>> {
  for (let attempt = 1; attempt <= GUARD_ATTEMPTS; attempt++) {
    const env = await deps.store.get<EnvironmentDocument>(environmentId, environmentId);
    const existing = await deps.store.get<MemberDocument>(environmentId, memberDocumentId(userId));
    if (!env || !existing) throw AppError.notFound(env ? 'Member' : 'Environment');
    if (attempt === 1) checkIfMatch(ifMatch, existing.etag);
    await refuseLosingLastAdministrator(deps, environmentId, userId);
    let written: Versioned<MemberDocument>;
    try {
      written = await deps.store.replace(change(existing), existing.etag);
    } catch (err) {
      if (err instanceof StalePreconditionError) throw new AppError('PreconditionFailed', 'The member changed since you read it.');
      throw err;
    }
    try {
      await deps.store.replace<EnvironmentDocument>({ ...env, updatedAt: deps.now().toISOString() }, env.etag);
      return written;
    } catch (err) {
      const { etag: _etag, ...before } = existing;
      void _etag;
      await bestEffort(deps.store.replace<MemberDocument>(before, written.etag), `restoring member ${before.id} after a failed environment write`);
      if (!(err instanceof StalePreconditionError)) throw err;
    }
  }
  throw new AppError('Conflict', 'The environment is being changed by other requests; retry.');
}

export async function listMembers(deps: MemberPorts, principal: Principal, environmentId: string): Promise<Versioned<MemberDocument>[]> {
  const { env } = await loadEnvironmentContext(deps, environmentId, principal);
  return (await deps.store.list<MemberDocument>(env.id, 'member', { orderBy: 'createdAt' })).items;
}

/** Sets a member's roles, adding (or reactivating) the member; `created` tells which. */
export async function setMemberRoles(
  deps: MemberPorts,
  principal: Principal,
  environmentId: string,
  userId: string,
  roles: Role[],
  ifMatch: string | undefined,
): Promise<{ member: Versioned<MemberDocument>; created: boolean }> {
  const { env } = await requireAdmin(deps, principal, environmentId);
  const now = deps.now().toISOString();
  const existing = await deps.store.get<MemberDocument>(env.id, memberDocumentId(userId));
  if (!existing) {
    // If-Match: * means "only if it exists" (RFC 9110, 13.1.1): a member that does not exist yet matches no precondition
    if (ifMatch !== undefined) throw new AppError('PreconditionFailed', 'The member does not exist yet (If-Match).');
    const member: MemberDocument = {
      id: memberDocumentId(userId),
      environmentId: env.id,
      type: 'member',
      userId,
      roles: [...new Set(roles)],
      active: true,
      createdAt: now,
      updatedAt: now,
    };
    try {
      return { member: await deps.store.create(member), created: true };
    } catch {
      throw new AppError('Conflict', 'The member was added by another request at the same time; retry.');
    }
  }
  checkIfMatch(ifMatch, existing.etag);
  const withRoles = (member: MemberDocument): MemberDocument => {
    const next: MemberDocument = { ...member, roles: [...new Set(roles)], active: true, updatedAt: now };
    delete next.deactivatedAt;
    return next;
  };
  if (existing.active && existing.roles.includes('SystemAdministrator') && !roles.includes('SystemAdministrator')) {
    return { member: await withoutLosingLastAdministrator(deps, env.id, userId, withRoles, ifMatch), created: false };
  }
  const next = withRoles(existing);
  try {
    return { member: await deps.store.replace(next, existing.etag), created: false };
  } catch (err) {
    if (err instanceof StalePreconditionError) throw new AppError('PreconditionFailed', 'The member changed since you read it.');
    throw err;
  }
}

/** Deactivates a member: they lose every right; their shares stay listed, flagged `deactivated`. */
export async function deactivateMember(
  deps: MemberPorts,
  principal: Principal,
  environmentId: string,
  userId: string,
  ifMatch: string | undefined,
): Promise<void> {
  const { env } = await requireAdmin(deps, principal, environmentId);
  const existing = await deps.store.get<MemberDocument>(env.id, memberDocumentId(userId));
  if (!existing) throw AppError.notFound('Member');
  checkIfMatch(ifMatch, existing.etag);
  if (!existing.active) return;
  const now = deps.now().toISOString();
  if (existing.roles.includes('SystemAdministrator')) {
    await withoutLosingLastAdministrator(deps, env.id, userId, (member) => ({ ...member, active: false, deactivatedAt: now, updatedAt: now }), ifMatch);
    return;
  }
  try {
    await deps.store.replace({ ...existing, active: false, deactivatedAt: now, updatedAt: now }, existing.etag);
  } catch (err) {
    if (err instanceof StalePreconditionError) throw new AppError('PreconditionFailed', 'The member changed since you read it.');
    throw err;
  }
}

/** userId → deactivated? and name (as its member document has it), for access lists. */
export async function memberStatus(deps: MemberReadPorts, environmentId: string): Promise<Map<string, { active: boolean; name?: string | undefined }>> {
  const { items } = await deps.store.list<MemberDocument>(environmentId, 'member');
  return new Map(items.map((m) => [m.userId, { active: m.active, name: m.name }]));
}

/** userId → display name, from the environment's member documents (one query): shown next to owners' ids. */
export async function memberNames(deps: MemberReadPorts, environmentId: string): Promise<Map<string, string>> {
  const members = await memberStatus(deps, environmentId);
  return new Map([...members].flatMap(([userId, m]) => (m.name ? [[userId, m.name] as const] : [])));
}
