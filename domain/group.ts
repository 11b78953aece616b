import type { SecretReference } from './secret-reference.js';
import type { StoredDocument } from './stored-document.js';
import type { Share } from './roles.js';

export const MAX_BOTS_LIMIT = 50;

export type GroupStatus = 'active' | 'deleted';

/** `deletedReason` of a group the inactivity cleanup marked deleted (a user's DELETE says `DeletedByUser`). */
export const DELETED_FOR_INACTIVITY = 'Inactive';

export interface ProvisioningError {
  at: string;
  botId: string;
  reason: string;
}

/**
 * A hosted machine group. Its local admin password lives only in the secret store; the document keeps the
 * reference. `status: deleted` is the inactivity timer's soft delete (still listed, refuses use); a user's
 * DELETE removes the document.
 */
export interface GroupDocument extends StoredDocument {
  type: 'group';
  name: string;
  description: string;
  maxBots: number;
  committedBots: number;
  imageId: string;
  /** `version` counts password rotations (absent: 1, the password the group was created with) */
  account: { username: string; password: SecretReference; version?: number };
  ownerId: string;
  shares: Share[];
  maintenance: boolean;
  status: GroupStatus;
  deletedAt?: string;
  deletedReason?: string;
  /** the last time a run started on the group (inactivity cleanup) */
  lastRunStartedAt?: string;
  /** when an owner last brought the group back after the inactivity cleanup: its inactivity clock starts over */
  reactivatedAt?: string;
  provisioningErrors: ProvisioningError[];
  /** service level: the p95 queue wait the group asks for, minutes (docs/scaling.md, "Service level") */
  targetWaitMinutes?: number;
  /** service level: the least share (0..1) of the group's bots that should be busy */
  minUtilization?: number;
  /** committed bots for a period on top of `committedBots` (a quarter-end surge); the highest window covering now counts */
  capacitySchedule?: CapacityWindow[];
}

export const GROUP = 'group' satisfies GroupDocument['type'];

/** A window of the capacity schedule: from and to are ISO 8601 instants (from inclusive, to exclusive). */
export interface CapacityWindow {
  from: string;
  to: string;
  committedBots: number;
}

export const TARGET_WAIT_MINUTES = { min: 1, max: 1440 } as const;
export const MAX_CAPACITY_WINDOWS = 20;

/** How many times the group's account password was set: 1 at create, one more per rotation. */
export function accountVersionOf(group: Pick<GroupDocument, 'account'>): number {
  return group.account.version ?? 1;
}
