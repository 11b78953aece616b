import type { EnvironmentDocument } from './environment.js';
import type { GroupDocument } from './group.js';

/** `lastRunStartedAt` of the group is refreshed at most this often (it feeds the inactivity cleanup only). */
export const GROUP_TOUCH_INTERVAL_MS = 60 * 60_000;

/** Whether a claim at `startedAt` refreshes the group's `lastRunStartedAt` (`last`): at most hourly. */
export function shouldTouchGroup(last: string | undefined, startedAt: string): boolean {
  return last === undefined || last === '' || Date.parse(startedAt) - Date.parse(last) >= GROUP_TOUCH_INTERVAL_MS;
}

/** Why no run was assigned. */
export type ClaimNoneReason =
  | 'EnvironmentNotFound'
  | 'GroupNotFound'
  | 'GroupDeleted'
  | 'HostedRpaDisabled'
  | 'GroupInMaintenance'
  /** the group's dispatch gate closed (maintenance, switch off, delete) between this claim's read and its assignment */
  | 'DispatchPaused'
  /** no wake-up message came within the wait: nothing is waiting */
  | 'QueueEmpty'
  /** a message came but no run is queued: it was a duplicate, or its run was cancelled or already taken */
  | 'NothingQueued'
  /** every candidate was taken by other claimers, round after round; the message was given back */
  | 'Contention';

/** Why a claim on this group is refused before it looks at the queue; undefined when the group may take a run. */
export function claimRefusal(
  env: Pick<EnvironmentDocument, 'hostedRpaEnabled'> | undefined,
  group: Pick<GroupDocument, 'status' | 'maintenance'> | undefined,
): ClaimNoneReason | undefined {
  if (!env) return 'EnvironmentNotFound';
  if (!group) return 'GroupNotFound';
  if (group.status !== 'active') return 'GroupDeleted';
  if (!env.hostedRpaEnabled) return 'HostedRpaDisabled';
  if (group.maintenance) return 'GroupInMaintenance';
  return undefined;
}

/** A gate closed this long while its group may dispatch was left closed by a change that never finished: reopened. */
export const STUCK_GATE_MS = 2 * 60_000;

/** Whether a closed gate (closed at `changedAt`, absent: long ago) has stayed closed past STUCK_GATE_MS at `nowMs`. */
export function isStuckGate(changedAt: string | undefined, nowMs: number): boolean {
  const since = changedAt === undefined ? 0 : Date.parse(changedAt);
  return nowMs - since >= STUCK_GATE_MS;
}
