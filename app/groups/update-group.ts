import type { Principal } from '../../domain/principal.js';
import { statsDocumentId } from '../bots/group-scaling-stats.js';
import type { GroupLedgerEntry } from '../../domain/environment.js';
import type { CapacityWindow, GroupDocument } from '../../domain/group.js';
import { releaseGroup, resizeGroup, restoreGroup, sameLedgerEntry } from '../../domain/group-rules.js';
import { StalePreconditionError, type Versioned } from '../ports/document-store.js';
import { resumingDispatch, stoppingDispatch, type DispatchChangePorts } from '../runs/dispatch-changes.js';
import { cancelQueuedRunsOfGroup } from '../runs/drain.js';
import type { RunChangePorts } from '../runs/transitions.js';
import { changeEnvironment, checkIfMatch } from '../environments/environment-context.js';
import { loadGroup, refuseDeleted, requireImageUse, staleGroup, viewOf, type GroupReadPorts, type GroupView, committedExceedsMax } from './load-group.js';
import { prepareAccountRotation, type AccountRotationInput, type AccountRotationPorts } from './rotate-account.js';

/**
 * What editing and deleting a group need: its reads, its password (rotation, delete), dispatch stopped and resumed,
 * its queued runs cancelled and its queue, gate and learned stats removed (delete).
 */
export type UpdateGroupPorts = GroupReadPorts & AccountRotationPorts & DispatchChangePorts & RunChangePorts;
import { bestEffort } from '../errors/best-effort.js';

export interface UpdateGroupInput {
  name?: string | undefined;
  description?: string | undefined;
  maxBots?: number | undefined;
  committedBots?: number | undefined;
  imageId?: string | undefined;
  maintenance?: boolean | undefined;
  /** rotates the local account's password (and, if named, a credential with it) */
  account?: AccountRotationInput | undefined;
  /** null clears it */
  targetWaitMinutes?: number | null | undefined;
  /** null clears it */
  minUtilization?: number | null | undefined;
  /** replaces the whole schedule ([] clears it) */
  capacitySchedule?: CapacityWindow[] | undefined;
}

/** The service-level fields after an edit: a given value replaces, null (or an empty schedule) removes, absent keeps. */
function withServiceLevel(group: GroupDocument, input: UpdateGroupInput): GroupDocument {
  const { targetWaitMinutes, minUtilization, capacitySchedule, ...rest } = group;
  const target = input.targetWaitMinutes === undefined ? targetWaitMinutes : (input.targetWaitMinutes ?? undefined);
  const utilization = input.minUtilization === undefined ? minUtilization : (input.minUtilization ?? undefined);
  const schedule = input.capacitySchedule ?? capacitySchedule;
  return {
    ...rest,
    ...(target === undefined ? {} : { targetWaitMinutes: target }),
    ...(utilization === undefined ? {} : { minUtilization: utilization }),
    ...(schedule === undefined || schedule.length === 0 ? {} : { capacitySchedule: schedule }),
  };
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
 * `account` rotates the local account's password (rotate-account.ts): connections then answer 422
 * `CredentialsOutdated` until their owners update them (or the credential they reference is rotated).
 */
export async function updateGroup(
  deps: UpdateGroupPorts,
  principal: Principal,
  environmentId: string,
  groupId: string,
  input: UpdateGroupInput,
  ifMatch: string | undefined,
): Promise<GroupView> {
  const { env, member, group } = await loadGroup(deps, principal, environmentId, groupId, 'manage');
  checkIfMatch(ifMatch, group.etag);
  refuseDeleted(group);
  const maxBots = input.maxBots ?? group.maxBots;
  const committedBots = input.committedBots ?? group.committedBots;
  if (committedBots > maxBots) throw committedExceedsMax(committedBots, maxBots);
  const imageId =
    input.imageId === undefined || input.imageId.toLowerCase() === group.imageId ? group.imageId : (await requireImageUse(deps, env, member, input.imageId)).id;
  const rotation = input.account === undefined ? undefined : await prepareAccountRotation(deps, env, member, group, input.account);

  const next: Versioned<GroupDocument> = {
    ...withServiceLevel(group, input),
    etag: group.etag,
    name: input.name ?? group.name,
    description: input.description ?? group.description,
    maxBots,
    committedBots,
    imageId,
    maintenance: input.maintenance ?? group.maintenance,
    account: rotation?.account ?? group.account,
    updatedAt: deps.now().toISOString(),
  };
  const from = ledgerEntryOf(group);
  const to = ledgerEntryOf(next);
  const moved = !sameLedgerEntry(from, to);
  if (moved) await changeEnvironment(deps, env.id, (current) => resizeGroup(current, group.id, from, to));
  const persist = async (at: string): Promise<Versioned<GroupDocument>> => {
    try {
      return await deps.store.replace({ ...next, updatedAt: at }, group.etag);
    } catch (err) {
      if (moved)
        await bestEffort(
          changeEnvironment(deps, env.id, (current) => restoreGroup(current, group.id, to, from)),
          `restoring the ledger entry of group ${group.id} after a failed edit`,
        );
      if (err instanceof StalePreconditionError) throw staleGroup();
      throw err;
    }
  };
  // maintenance on: no run is assigned once the change is written; off: dispatch resumes once it is
  const saved =
    next.maintenance && !group.maintenance
      ? await stoppingDispatch(deps, env.id, [group.id], 'Maintenance', persist)
      : !next.maintenance && group.maintenance
        ? await resumingDispatch(deps, env.id, [group.id], () => persist(next.updatedAt))
        : await persist(next.updatedAt);
  await rotation?.afterSave(saved);
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
 * gone, are planned as a deleted group's (app/bots/planning-round.ts).
 */
export async function deleteGroup(
  deps: UpdateGroupPorts,
  principal: Principal,
  environmentId: string,
  groupId: string,
  ifMatch: string | undefined,
): Promise<void> {
  const { env, group } = await loadGroup(deps, principal, environmentId, groupId, 'manage');
  checkIfMatch(ifMatch, group.etag);
  try {
    const marked = await stoppingDispatch(deps, env.id, [group.id], 'GroupDeleted', (now) =>
      deps.store.replace<GroupDocument>(
        { ...group, status: 'deleted', deletedAt: group.deletedAt ?? now, deletedReason: 'DeletedByUser', updatedAt: now },
        group.etag,
      ),
    );
    await cancelQueuedRunsOfGroup(deps, env.id, group.id);
    await deps.queues.delete(group.id);
    await deps.store.delete(env.id, group.id, marked.etag);
    await deps.dispatchGates.remove(env.id, group.id);
  } catch (err) {
    if (err instanceof StalePreconditionError) throw staleGroup();
    throw err;
  }
  // all are attempted even if one fails; a failure still reaches the caller (the group itself is gone)
  const [ledger, secret, stats] = await Promise.allSettled([
    changeEnvironment(deps, env.id, (current) => releaseGroup(current, group.id)),
    deps.secrets.delete(group.account.password),
    // the controller's learned statistics of the group (app/bots/group-scaling-stats.ts)
    deps.botStore.delete(env.id, statsDocumentId(group.id)),
  ]);
  if (ledger.status === 'rejected') throw ledger.reason;
  if (secret.status === 'rejected') throw secret.reason;
  if (stats.status === 'rejected') throw stats.reason;
}
