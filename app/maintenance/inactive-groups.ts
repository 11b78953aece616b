import { DELETED_FOR_INACTIVITY, type GroupDocument } from '../../domain/group.js';
import type { EnvironmentDocument, GroupLedgerEntry } from '../../domain/environment.js';
import { inactivityVerdict, staleReservations, type MaintenanceActionDocument } from '../../domain/maintenance.js';
import { secretNameFor } from '../ports/secret-store.js';
import { changeEnvironment } from '../environments/environment-context.js';
import { StalePreconditionError, type Versioned } from '../ports/document-store.js';
import { stoppingDispatch } from '../runs/dispatch-changes.js';
import { cancelQueuedRunsOfGroup } from '../runs/drain.js';
import type { AppConfig } from '../config/app-config.js';
import type { GroupQueues } from '../ports/group-queues.js';
import type { SecretStore } from '../ports/secret-store.js';
import type { DocumentStore } from '../ports/document-store.js';
import { recordMaintenanceAction, type ActionLogPorts } from './action-log.js';
import type { LifecycleSignals } from './lifecycle-signals.js';
import { sweepEnvironments, type SweepLeasePorts } from './sweep-lease.js';
import type { SweepReport } from './sweep-report.js';
import { bestEffort } from '../errors/best-effort.js';

/**
 * What the cleanup needs: the environments, their groups (control container), the running counts, the setting that
 * says when a group is inactive, the group's secret and queue to remove, the clock; and what stopping a group's
 * dispatch, cancelling its queued runs, changing the environment's ledger, the action log and the lease need.
 */
export type InactiveGroupPorts = {
  environmentIds(): Promise<string[]>;
  store: Pick<DocumentStore, 'get' | 'list' | 'replace'>;
  /** the running runs per group */
  runCounts: { countsFor(environmentId: string, groupIds: readonly string[]): Promise<Record<string, { running: number }>> };
  config: Pick<AppConfig, 'INACTIVE_GROUP_DAYS'>;
  secrets: Pick<SecretStore, 'delete'>;
  queues: Pick<GroupQueues, 'delete'>;
  now(): Date;
} & Parameters<typeof stoppingDispatch>[0] &
  Parameters<typeof cancelQueuedRunsOfGroup>[0] &
  Parameters<typeof changeEnvironment>[0] &
  ActionLogPorts &
  SweepLeasePorts;

/**
 * Marks the group deleted if it is (still) inactive: a conditional write, so a run that started meanwhile (its
 * claim refreshes `lastRunStartedAt`) or an edit wins and the group is looked at again.
 */
async function markInactiveGroupDeleted(deps: InactiveGroupPorts, start: Versioned<GroupDocument>, running: number): Promise<string | undefined> {
  let group: Versioned<GroupDocument> | undefined = start;
  for (let attempt = 1; attempt <= 3 && group; attempt++) {
    const now = deps.now();
    const verdict = inactivityVerdict(group, running, now, deps.config.INACTIVE_GROUP_DAYS);
    if (!verdict.inactive) return undefined;
    try {
      const current: Versioned<GroupDocument> = group;
      // no run is assigned once the group is marked deleted (see stoppingDispatch)
      await stoppingDispatch(deps, current.environmentId, [current.id], 'GroupDeleted', (at) =>
        deps.store.replace<GroupDocument>({ ...current, status: 'deleted', deletedAt: at, deletedReason: DELETED_FOR_INACTIVITY, updatedAt: at }, current.etag),
      );
      return verdict.reason;
    } catch (err) {
      if (!(err instanceof StalePreconditionError)) throw err;
      group = await deps.store.get<GroupDocument>(group.environmentId, group.id);
    }
  }
  return undefined;
}

/** Ledger entries whose group document never came (or is gone) are removed, with the secret and queue they may have left. */
async function removeStaleReservations(deps: InactiveGroupPorts, environmentId: string, groupIds: ReadonlySet<string>): Promise<MaintenanceActionDocument[]> {
  const env = await deps.store.get<EnvironmentDocument>(environmentId, environmentId);
  if (!env || staleReservations(env.ledger.groups, groupIds, deps.now()).length === 0) return [];
  let removed: Array<[string, GroupLedgerEntry]> = [];
  await changeEnvironment(deps, environmentId, (current) => {
    const stale = new Set(staleReservations(current.ledger.groups, groupIds, deps.now()));
    removed = Object.entries(current.ledger.groups).filter(([id]) => stale.has(id));
    const groups = Object.fromEntries(Object.entries(current.ledger.groups).filter(([id]) => !stale.has(id)));
    return { ...current, ledger: { ...current.ledger, groups } };
  });
  const actions: MaintenanceActionDocument[] = [];
  for (const [groupId, entry] of removed) {
    // the group is gone from the ledger: a secret or queue left behind is only unused, and the next cleanup retries nothing
    await bestEffort(deps.secrets.delete({ name: secretNameFor('group-account', groupId) }), `removing the account secret of inactive group ${groupId}`);
    await bestEffort(deps.queues.delete(groupId), `removing the queue of inactive group ${groupId}`);
    const detail = `The ledger held group "${entry.name}" (${entry.committedBots} committed bots) without a group document${entry.reservedAt ? ` since ${entry.reservedAt}` : ''}; removed.`;
    actions.push(
      await recordMaintenanceAction(deps, { environmentId, sweep: 'inactiveGroups', action: 'reservationRemoved', reason: 'NoGroupDocument', detail, groupId }),
    );
  }
  return actions;
}

async function cleanEnvironment(deps: InactiveGroupPorts, signals: LifecycleSignals, environmentId: string): Promise<MaintenanceActionDocument[]> {
  const groups = await deps.store.list<GroupDocument>(environmentId, 'group');
  const counts = await deps.runCounts.countsFor(
    environmentId,
    groups.items.map((g) => g.id),
  );
  const actions: MaintenanceActionDocument[] = [];
  for (const group of groups.items) {
    const reason = await markInactiveGroupDeleted(deps, group, counts[group.id]?.running ?? 0);
    if (!reason) continue;
    // submissions that slipped in before the mark never ran: they end Cancelled (GroupDeleted)
    const cancelled = await cancelQueuedRunsOfGroup(deps, environmentId, group.id);
    const detail = cancelled > 0 ? `${reason} ${cancelled} queued run(s) cancelled.` : reason;
    actions.push(
      await recordMaintenanceAction(deps, { environmentId, sweep: 'inactiveGroups', action: 'groupDeleted', reason: 'Inactive', detail, groupId: group.id }),
    );
  }
  // the controller releases the bots of a deleted group
  if (actions.length > 0) await signals.wakeController(environmentId);
  actions.push(...(await removeStaleReservations(deps, environmentId, new Set(groups.items.map((g) => g.id)))));
  return actions;
}

/**
 * The daily inactivity cleanup: every group with no committed bots on which no desktop flow started for
 * INACTIVE_GROUP_DAYS gets `status: deleted` (still listed and readable, refuses runs, connections and edits),
 * its queued runs end Cancelled and its bots are torn down by the controller. Ledger reservations whose group
 * document never came are removed too.
 */
export async function cleanUpInactiveGroups(deps: InactiveGroupPorts, signals: LifecycleSignals): Promise<SweepReport> {
  return sweepEnvironments(deps, 'inactiveGroups', await deps.environmentIds(), (environmentId) => cleanEnvironment(deps, signals, environmentId));
}
