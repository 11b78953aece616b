import type { StoredDocument } from './stored-document.js';
import type { BotState } from './bot.js';
import type { GroupLedgerEntry } from './environment.js';
import type { GroupDocument } from './group.js';

/**
 * The reconciliation rules the maintenance timers apply (inactive groups, orphan VMs, lost bots). Pure: every
 * function takes the current time and the facts it decides on as arguments. See docs/maintenance.md.
 */

export const MAINTENANCE_ACTION = 'maintenanceAction' as const;

export const SWEEPS = ['inactiveGroups', 'orphans', 'stuckRuns', 'runDeadlines'] as const;
export type Sweep = (typeof SWEEPS)[number];

export const MAINTENANCE_ACTION_KINDS = [
  'groupDeleted',
  'reservationRemoved',
  'orphanVmDeleted',
  'botLost',
  'runRequeued',
  'runFailed',
  'runTimedOut',
  'runCancelled',
  'wakeUpResent',
] as const;
export type MaintenanceActionKind = (typeof MAINTENANCE_ACTION_KINDS)[number];

/** One thing a maintenance timer did, with its reason: what `GET .../maintenance` serves. */
export interface MaintenanceActionDocument extends StoredDocument {
  type: typeof MAINTENANCE_ACTION;
  sweep: Sweep;
  action: MaintenanceActionKind;
  /** stable machine-readable reason, e.g. `Inactive`, `NoLiveBot`, `VmMissing`, `WakeUpMissing` */
  reason: string;
  detail: string;
  at: string;
  groupId?: string;
  botId?: string;
  runId?: string;
  /** for `botLost`: what became of the run the bot held */
  runOutcome?: 'requeued' | 'failed';
  vmResourceId?: string;
}

const DAY_MS = 86_400_000;

/**
 * The instant the inactivity clock starts from: the last run start, or the group's creation when none ever ran, or
 * its reactivation when that came later.
 */
export function lastRunActivity(group: Pick<GroupDocument, 'lastRunStartedAt' | 'createdAt' | 'reactivatedAt'>): string {
  const runOrCreation = group.lastRunStartedAt ?? group.createdAt;
  return group.reactivatedAt !== undefined && Date.parse(group.reactivatedAt) > Date.parse(runOrCreation) ? group.reactivatedAt : runOrCreation;
}

export type InactivityVerdict = { inactive: false } | { inactive: true; since: string; reason: string };

/**
 * A group with no committed bots that started no desktop flow for `days` is deleted by the cleanup timer.
 * A submission that never ran is not activity; a run in progress is (its start refreshed `lastRunStartedAt`).
 */
export function inactivityVerdict(
  group: Pick<GroupDocument, 'status' | 'committedBots' | 'lastRunStartedAt' | 'createdAt' | 'reactivatedAt'>,
  runningRuns: number,
  now: Date,
  days: number,
): InactivityVerdict {
  if (group.status !== 'active' || group.committedBots > 0 || runningRuns > 0) return { inactive: false };
  const since = lastRunActivity(group);
  if (now.getTime() - Date.parse(since) < days * DAY_MS) return { inactive: false };
  return { inactive: true, since, reason: `No desktop flow ran on the group since ${since} (inactivity limit: ${days} days) and it has no committed bots.` };
}

/** States in which a bot's VM may legitimately exist: it is being built, serving, or being torn down. */
const VM_OWNING_STATES: readonly BotState[] = ['Provisioning', 'Ready', 'Busy', 'Draining', 'Deprovisioning'];
/** States in which the bot's VM must exist: provisioning finished and no teardown started. */
const VM_REQUIRED_STATES: readonly BotState[] = ['Ready', 'Busy', 'Draining'];

/** A VM is an orphan when no bot record owns it: none, or one that is Deleted or Failed. */
export function isOrphanVm(bot: { state: BotState } | undefined): boolean {
  return !bot || !VM_OWNING_STATES.includes(bot.state);
}

/** A bot whose VM is missing is lost when it had finished provisioning and is not being torn down. */
export function isLostWithoutVm(bot: { state: BotState }): boolean {
  return VM_REQUIRED_STATES.includes(bot.state);
}

/**
 * The orphan sweep keeps an environment's controller running where bots live (it replaces lost bots and tears cold
 * groups down) and where bots are promised: a group's committed bots start only once the controller plans, and an
 * environment where no run was ever submitted has never woken it.
 */
export function wantsController(
  bots: ReadonlyArray<{ state: BotState }>,
  ledgerGroups: Readonly<Record<string, Pick<GroupLedgerEntry, 'committedBots'>>>,
): boolean {
  return bots.some((b) => b.state !== 'Deleted' && b.state !== 'Failed') || Object.values(ledgerGroups).some((g) => g.committedBots > 0);
}

/** The same bot record in the same state since the same instant: nothing happened to it between two reads. */
export function unchangedSince(before: { state: BotState; since: string }, after: { state: BotState; since: string } | undefined): boolean {
  return after !== undefined && after.state === before.state && after.since === before.since;
}

/** A group create writes its ledger entry, then (milliseconds later) its document: older than this, it never will. */
export const RESERVATION_GRACE_MS = 60 * 60_000;

/**
 * Ledger entries with no group document: left by a create that died between its two writes, or a delete that
 * died after removing the document. They only make limits stricter; the cleanup removes those past the grace.
 */
export function staleReservations(ledger: Record<string, GroupLedgerEntry>, groupIds: ReadonlySet<string>, now: Date): string[] {
  return Object.entries(ledger)
    .filter(([id, entry]) => !groupIds.has(id) && (entry.reservedAt === undefined || now.getTime() - Date.parse(entry.reservedAt) >= RESERVATION_GRACE_MS))
    .map(([id]) => id);
}
