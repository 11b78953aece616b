import type { Principal } from '../../auth/principal.js';
import type { Services } from '../../composition/services.js';
import type { GroupLedgerEntry } from '../../domain/environment.js';
import type { GroupDocument } from '../../domain/group.js';
import { releaseGroup, resizeGroup, restoreGroup, sameLedgerEntry } from '../../domain/group-rules.js';
import { AppError } from '../../errors/app-error.js';
import { StalePreconditionError, type Versioned } from '../../store/document-store.js';
import { cancelQueuedRunsOfGroup } from '../runs/drain.js';
import { changeEnvironment, checkIfMatch } from '../environment-context.js';
import { loadGroup, refuseDeleted, requireImageUse, staleGroup, viewOf, type GroupView } from './load-group.js';

export interface UpdateGroupInput {
  name?: string | undefined;
  description?: string | undefined;
  maxBots?: number | undefined;
  committedBots?: number | undefined;
  imageId?: string | undefined;
  maintenance?: boolean | undefined;
}

const ledgerEntryOf = (g: Pick<GroupDocument, 'name' | 'committedBots' | 'maxBots' | 'imageId'>): GroupLedgerEntry => ({
  name: g.name,
  committedBots: g.committedBots,
  maxBots: g.maxBots,
  imageId: g.imageId,
});

/**
 * Edits a group (owner, CoOwner, SystemAdministrator) under If-Match. When its name, bot counts or image change,
 * the environment's ledger entry moves first (checked against the other groups: name, capacity), and only
 * while it still holds what this request read, so two edits of one group cannot both move it; if the
 * document write then loses a race, the entry moves back.
 * Changing the image will drain and reprovision the group's bots: the bots issue hooks in after the write.
 */
export async function updateGroup(
  deps: Services,
  principal: Principal,
  environmentId: string | undefined,
  groupId: string | undefined,
  input: UpdateGroupInput,
  ifMatch: string | undefined,
): Promise<GroupView> {
  const { env, member, group } = await loadGroup(deps, principal, environmentId, groupId, 'manage');
  checkIfMatch(ifMatch, group.etag);
  refuseDeleted(group);
  const maxBots = input.maxBots ?? group.maxBots;
  const committedBots = input.committedBots ?? group.committedBots;
  if (committedBots > maxBots) {
    throw AppError.rule('CommittedExceedsMax', `committedBots (${committedBots}) would exceed maxBots (${maxBots}); a group cannot keep more bots warm than it may run.`);
  }
  const imageId = input.imageId === undefined || input.imageId.toLowerCase() === group.imageId ? group.imageId : (await requireImageUse(deps, env, member, input.imageId)).id;

  const next: Versioned<GroupDocument> = {
    ...group,
    name: input.name ?? group.name,
    description: input.description ?? group.description,
    maxBots,
    committedBots,
    imageId,
    maintenance: input.maintenance ?? group.maintenance,
    updatedAt: deps.now().toISOString(),
  };
  const from = ledgerEntryOf(group);
  const to = ledgerEntryOf(next);
  const moved = !sameLedgerEntry(from, to);
  if (moved) await changeEnvironment(deps, env.id, (current) => resizeGroup(current, group.id, from, to));
  let saved: Versioned<GroupDocument>;
  try {
    saved = await deps.store.replace(next, group.etag);
  } catch (err) {
    if (moved) await changeEnvironment(deps, env.id, (current) => restoreGroup(current, group.id, to, from)).catch(() => undefined);
    if (err instanceof StalePreconditionError) throw staleGroup();
    throw err;
  }
  return viewOf(deps, env.id, member, saved);
}

/**
 * Deletes a group (owner, CoOwner, SystemAdministrator) under If-Match:
 * 1. mark it `deleted` (a conditional write: it carries the If-Match, and from here on the group refuses new
 *    runs, connections and edits, and no bot claims from it);
 * 2. drain its queue: every queued run ends Cancelled (running runs finish on their bots);
 * 3. delete its Service Bus queue;
 * 4. delete the document, then its ledger entry and its password.
 * A failure after step 1 leaves a group marked deleted, which a second DELETE completes.
 * Its bots are released by the environment controller's next plan: a marked group, or bots whose group document is
 * gone, are planned as a deleted group's (shared/bots/planning-round.ts).
 */
export async function deleteGroup(deps: Services, principal: Principal, environmentId: string | undefined, groupId: string | undefined, ifMatch: string | undefined): Promise<void> {
  const { env, group } = await loadGroup(deps, principal, environmentId, groupId, 'manage');
  checkIfMatch(ifMatch, group.etag);
  try {
    const now = deps.now().toISOString();
    const marked = await deps.store.replace<GroupDocument>({ ...group, status: 'deleted', deletedAt: group.deletedAt ?? now, deletedReason: 'DeletedByUser', updatedAt: now }, group.etag);
    await cancelQueuedRunsOfGroup(deps, env.id, group.id);
    await deps.queues.delete(group.id);
    await deps.store.delete(env.id, group.id, marked.etag);
  } catch (err) {
    if (err instanceof StalePreconditionError) throw staleGroup();
    throw err;
  }
  // both are attempted even if one fails; a failure still reaches the caller (the group itself is gone)
  const [ledger, secret] = await Promise.allSettled([
    changeEnvironment(deps, env.id, (current) => releaseGroup(current, group.id)),
    deps.secrets.delete(group.account.password),
  ]);
  if (ledger.status === 'rejected') throw ledger.reason;
  if (secret.status === 'rejected') throw secret.reason;
}
