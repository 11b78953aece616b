import type { Role, Share, SharePermission } from './roles.js';

/**
 * Who may do what (PRODUCT.md's roles table), as pure functions of the caller's membership and the
 * resource's owner and shares. A deactivated member has no rights at all.
 */
export interface Membership {
  userId: string;
  roles: readonly Role[];
  active: boolean;
}

export interface SharedResource {
  ownerId: string;
  shares: readonly Share[];
}

const has = (m: Membership, role: Role) => m.active && m.roles.includes(role);
const isAdmin = (m: Membership) => has(m, 'SystemAdministrator');

function shareOf(m: Membership, resource: SharedResource): SharePermission | undefined {
  return resource.shares.find((s) => s.userId === m.userId)?.permission;
}

export function canReadEnvironment(m: Membership | undefined): m is Membership {
  return m !== undefined && m.active;
}

export function canManageEnvironment(m: Membership): boolean {
  return isAdmin(m);
}

// ---- images -------------------------------------------------------------------------------------

export function canCreateImage(m: Membership): boolean {
  return isAdmin(m) || has(m, 'EnvironmentMaker') || has(m, 'DesktopFlowsMachineImageAdmin');
}

/** `none`: invisible; `use`: see it and build groups from it; `manage`: also edit, delete and share. */
export type ImageAccess = 'none' | 'use' | 'manage';

export function imageAccess(m: Membership, image: SharedResource & { builtIn: boolean }): ImageAccess {
  if (!m.active) return 'none';
  if (isAdmin(m) || has(m, 'DesktopFlowsMachineImageAdmin')) return 'manage';
  const share = shareOf(m, image);
  const maker = has(m, 'EnvironmentMaker');
  const owner = has(m, 'DesktopFlowsMachineOwner');
  if (maker && !image.builtIn && image.ownerId === m.userId) return 'manage';
  if (share === 'CoOwner' && (maker || owner)) return 'manage';
  if (share !== undefined) return 'use';
  return 'none';
}

// ---- groups -------------------------------------------------------------------------------------

export function canCreateGroup(m: Membership): boolean {
  return isAdmin(m) || has(m, 'EnvironmentMaker') || has(m, 'DesktopFlowsMachineOwner');
}

/** `use`: see it, its queue, runs and bots, and connect to it; `manage`: also edit, delete and share. */
export type GroupAccess = 'none' | 'use' | 'manage';

export function groupAccess(m: Membership, group: SharedResource): GroupAccess {
  if (!m.active) return 'none';
  if (isAdmin(m)) return 'manage';
  const share = shareOf(m, group);
  const maker = has(m, 'EnvironmentMaker') || has(m, 'DesktopFlowsMachineOwner');
  if (maker && group.ownerId === m.userId) return 'manage';
  if (share === 'CoOwner' && (maker || has(m, 'BasicUser'))) return 'manage';
  if (share !== undefined && (maker || has(m, 'BasicUser'))) return 'use';
  return 'none';
}

/** The access type a caller sees in group lists: how they came to see it. */
export function groupAccessType(m: Membership, group: SharedResource): 'Owner' | 'CoOwner' | 'User' | 'Administrator' | undefined {
  if (group.ownerId === m.userId) return 'Owner';
  const share = shareOf(m, group);
  if (share) return share;
  return isAdmin(m) ? 'Administrator' : undefined;
}

// ---- connections, desktop flows, runs ---------------------------------------------------------------

export function canCreateConnection(m: Membership, group: SharedResource): boolean {
  return groupAccess(m, group) !== 'none';
}

/** Roles that may hold connections and credentials at all (DesktopFlowsMachineImageAdmin alone may not). */
export function canHoldConnections(m: Membership): boolean {
  return isAdmin(m) || has(m, 'EnvironmentMaker') || has(m, 'DesktopFlowsMachineOwner') || has(m, 'BasicUser');
}

/**
 * Submitting through a connection needs the caller's *current* use of its group (owner, User/CoOwner share,
 * SystemAdministrator), not only having had it when the connection was made.
 */
export function canRunOnGroup(m: Membership, group: SharedResource): boolean {
  return groupAccess(m, group) !== 'none';
}

/** A group's connections list: its managers (owner, CoOwners, SystemAdministrators) see all, a User-share holder its own. */
export function canSeeAllGroupConnections(m: Membership, group: SharedResource): boolean {
  return groupAccess(m, group) === 'manage';
}

// ---- credentials ----------------------------------------------------------------------------------

/** Whoever may hold connections may keep credentials for them (they reference them from their connections). */
export function canCreateCredential(m: Membership): boolean {
  return canHoldConnections(m);
}

/** `use`: see it and reference it from connections; `manage`: also rotate, rename, delete and share it. */
export type CredentialAccess = 'none' | 'use' | 'manage';

/** Like images: the owner and CoOwners manage, User shares reference; SystemAdministrators manage all. */
export function credentialAccess(m: Membership, credential: SharedResource): CredentialAccess {
  if (!m.active) return 'none';
  if (isAdmin(m)) return 'manage';
  if (!canHoldConnections(m)) return 'none';
  if (credential.ownerId === m.userId) return 'manage';
  const share = shareOf(m, credential);
  if (share === 'CoOwner') return 'manage';
  return share === 'User' ? 'use' : 'none';
}

export function canCreateDesktopFlow(m: Membership): boolean {
  return isAdmin(m) || has(m, 'EnvironmentMaker') || has(m, 'DesktopFlowsMachineOwner');
}

/** A run's submitter, the group's owner and CoOwners, and SystemAdministrators may cancel and reprioritise it. */
export function canControlRun(m: Membership, run: { submittedBy: string }, group: SharedResource): boolean {
  if (!m.active) return false;
  return run.submittedBy === m.userId || groupAccess(m, group) === 'manage';
}

/**
 * Moving a run to the top jumps it ahead of other users' runs: only the group's owner, CoOwners and
 * SystemAdministrators (PRODUCT.md, turn 2), not the submitter alone.
 */
export function canMoveRunToTop(m: Membership, group: SharedResource): boolean {
  return groupAccess(m, group) === 'manage';
}
