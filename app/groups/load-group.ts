import type { Principal } from '../../domain/principal.js';
import { groupAccess, groupAccessType, imageAccess, type GroupAccess, type Membership } from '../../domain/access-rules.js';
import type { EnvironmentDocument } from '../../domain/environment.js';
import { GROUP, type GroupDocument } from '../../domain/group.js';
import { imageUnusable } from '../../domain/group-rules.js';
import type { ImageDocument } from '../../domain/image.js';
import { AppError } from '../../domain/errors/app-error.js';
import { memberNames } from '../environments/members.js';
import type { DocumentStore, Versioned } from '../ports/document-store.js';
import { loadEnvironmentContext } from '../environments/environment-context.js';
import { NO_RUNS, type GroupRunCounts, type RunCounts } from '../runs/run-counts.js';

/** What reading a group and building its view needs. */
export interface GroupReadPorts {
  /** environments, members, groups and images */
  store: DocumentStore;
  now(): Date;
  /** queued and running runs per group */
  runCounts: RunCounts;
  /** live bots per group */
  activeBotsByGroup(environmentId: string): Promise<Record<string, number>>;
}

export interface GroupContext {
  env: Versioned<EnvironmentDocument>;
  member: Membership;
  group: Versioned<GroupDocument>;
  access: Exclude<GroupAccess, 'none'>;
}

/** A group as the API shows it: the document, how the caller came to see it, its runs and its bots. */
export interface GroupView {
  group: Versioned<GroupDocument>;
  accessType: ReturnType<typeof groupAccessType>;
  runs: GroupRunCounts;
  activeBots: number;
  /** the owner's display name, from its member document, where it has one */
  ownerName?: string | undefined;
}

export const staleGroup = () => new AppError('PreconditionFailed', 'The group changed since you read it (If-Match); read it again.');

/** committedBots above maxBots, whether both came in the body or one is the stored value: one rule, one answer (422). */
export const committedExceedsMax = (committedBots: number, maxBots: number) =>
  AppError.rule(
    'CommittedExceedsMax',
    `committedBots (${committedBots}) would exceed maxBots (${maxBots}); a group cannot keep more bots warm than it may run.`,
  );

/**
 * The group if the caller may see it (404 otherwise, exactly as for a missing one, so invisible groups
 * reveal nothing), and, when `needed` is `manage`, may also edit, delete and share it (403 otherwise).
 * While the environment's `hostedRpaEnabled` switch is off every group is hidden, as the list hides them: every
 * route under .../groups/{id} answers 404 until the switch is back on (brief, contract additions).
 */
export async function loadGroup(
  deps: GroupReadPorts,
  principal: Principal,
  environmentId: string,
  groupId: string,
  needed: 'use' | 'manage',
): Promise<GroupContext> {
  const { env, member } = await loadEnvironmentContext(deps, environmentId, principal);
  if (!env.hostedRpaEnabled) throw AppError.notFound('Group');
  const group = await deps.store.get<GroupDocument>(env.id, groupId);
  if (!group || group.type !== GROUP) throw AppError.notFound('Group');
  const access = groupAccess(member, group);
  if (access === 'none') throw AppError.notFound('Group');
  if (needed === 'manage' && access !== 'manage') {
    throw AppError.forbidden('Editing, deleting or sharing this group needs its ownership, a CoOwner share, or the SystemAdministrator role.');
  }
  return { env, member, group, access };
}

/** The inactivity timer's soft delete keeps the group readable, but it takes no more edits. */
export function refuseDeleted(group: GroupDocument): void {
  if (group.status === 'deleted') {
    throw AppError.rule('GroupDeleted', `The group "${group.name}" was deleted for inactivity; it is kept for reading only and takes no edits.`);
  }
}

export function refuseWhenHostedRpaDisabled(env: EnvironmentDocument): void {
  if (!env.hostedRpaEnabled)
    throw AppError.rule('HostedRpaDisabled', 'Hosted RPA is turned off in this environment (hostedRpaEnabled is false); turn it on to create groups.');
}

/**
 * A group's bots are built from its image, so the caller needs at least User access to it. A missing image
 * and one the caller may not see answer alike, so that image ids reveal nothing.
 */
export async function requireImageUse(deps: GroupReadPorts, env: EnvironmentDocument, member: Membership, imageId: string): Promise<Versioned<ImageDocument>> {
  const image = await deps.store.get<ImageDocument>(env.id, imageId.toLowerCase());
  if (!image || image.type !== 'image' || imageAccess(member, image) === 'none') throw imageUnusable(imageId);
  return image;
}

/** Builds the views of `groups` with one read of run counts and one of bot counts for the whole environment. */
export async function viewsOf(deps: GroupReadPorts, environmentId: string, member: Membership, groups: Versioned<GroupDocument>[]): Promise<GroupView[]> {
  if (groups.length === 0) return [];
  const [runs, bots, names] = await Promise.all([
    deps.runCounts.countsFor(
      environmentId,
      groups.map((g) => g.id),
    ),
    deps.activeBotsByGroup(environmentId),
    memberNames(deps, environmentId),
  ]);
  return groups.map((group) => ({
    group,
    accessType: groupAccessType(member, group),
    runs: runs[group.id] ?? NO_RUNS,
    activeBots: bots[group.id] ?? 0,
    ownerName: names.get(group.ownerId),
  }));
}

export async function viewOf(deps: GroupReadPorts, environmentId: string, member: Membership, group: Versioned<GroupDocument>): Promise<GroupView> {
  const [view] = await viewsOf(deps, environmentId, member, [group]);
  if (!view) throw new Error(`No view was built for group ${group.id}.`);
  return view;
}
