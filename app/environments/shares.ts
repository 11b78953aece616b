import type { Share } from '../../domain/roles.js';
import { AppError } from '../../domain/errors/app-error.js';
import { StalePreconditionError, type DocumentStore, type StoredDocument, type Versioned } from '../ports/document-store.js';
import { checkIfMatch } from './environment-context.js';
import { memberStatus } from './members.js';

/** What reading and replacing an access list needs. */
export interface SharePorts {
  /** the resource and the environment's members */
  store: DocumentStore;
  now(): Date;
}

/** One entry of an access list as the API answers it. */
export interface AccessEntry {
  userId: string;
  /** the member's display name, where its member document has one */
  name?: string | undefined;
  permission: Share['permission'];
  deactivated: boolean;
}

type Shareable = StoredDocument & { shares: Share[] };

/** A share whose user is no longer an active member stays listed, flagged, so that it can be cleaned up. */
export function accessList(shares: readonly Share[], members: Map<string, { active: boolean; name?: string | undefined }>): AccessEntry[] {
  return shares.map((s) => {
    const name = members.get(s.userId)?.name;
    return { userId: s.userId, ...(name ? { name } : {}), permission: s.permission, deactivated: members.get(s.userId)?.active !== true };
  });
}

export async function readAccessList(deps: SharePorts, resource: Versioned<Shareable>): Promise<AccessEntry[]> {
  return accessList(resource.shares, await memberStatus(deps, resource.environmentId));
}

/**
 * Replaces the shares of an image or a group: only members may be shared with, and the write is conditional
 * on the etag the caller read (If-Match) and the one this request read.
 */
export async function replaceAccessList<T extends Shareable>(
  deps: SharePorts,
  resource: Versioned<T>,
  shares: readonly Share[],
  ifMatch: string | undefined,
  stale: () => AppError,
): Promise<{ resource: Versioned<T>; items: AccessEntry[] }> {
  checkIfMatch(ifMatch, resource.etag);
  const members = await memberStatus(deps, resource.environmentId);
  const stranger = shares.find((s) => !members.has(s.userId));
  if (stranger)
    throw AppError.rule('NotAMember', `User ${stranger.userId} is not a member of this environment; add them as a member before sharing with them.`);
  const next: Versioned<T> = { ...resource, shares: shares.map((s) => ({ userId: s.userId, permission: s.permission })), updatedAt: deps.now().toISOString() };
  try {
    const saved = await deps.store.replace(next, resource.etag);
    return { resource: saved, items: accessList(saved.shares, members) };
  } catch (err) {
    if (err instanceof StalePreconditionError) throw stale();
    throw err;
  }
}
