import type { StoredDocument } from './stored-document.js';
import type { SupportedGeography } from './geography.js';
import type { Role } from './roles.js';

export type Plan = 'paid' | 'trial';

export const MAX_GROUPS_PER_ENVIRONMENT = 10;
export const TRIAL_MAX_GROUPS = 10;
export const TRIAL_MAX_PARALLEL_BOTS = 2;

/** The environment's ledger entry of a group: what limits and name uniqueness are checked against. */
export interface GroupLedgerEntry {
  name: string;
  committedBots: number;
  maxBots: number;
  /** set by a group create: an entry whose document never came is removed by the cleanup timer after a while */
  reservedAt?: string;
  /** the group's image: an image a ledger entry names cannot be deleted (checked in the same conditional write) */
  imageId?: string;
}

/**
 * An environment and its ledger. Every change that a limit or a uniqueness rule depends on (groups, their
 * committed bots, image and group names) is a conditional replace of this one document, so two racing
 * requests cannot both pass a check.
 */
export interface EnvironmentDocument extends StoredDocument {
  type: 'environment';
  name: string;
  geography: SupportedGeography;
  region: string;
  plan: Plan;
  capacity: number;
  hostedRpaEnabled: boolean;
  createdBy: string;
  ledger: {
    groups: Record<string, GroupLedgerEntry>;
    /** image id → lower-cased name */
    imageNames: Record<string, string>;
  };
}

export interface MemberDocument extends StoredDocument {
  type: 'member';
  userId: string;
  name?: string;
  roles: Role[];
  active: boolean;
  deactivatedAt?: string;
}

export function memberDocumentId(userId: string): string {
  return `member:${userId}`;
}

export function committedTotal(env: Pick<EnvironmentDocument, 'ledger'>, exceptGroupId?: string): number {
  return Object.entries(env.ledger.groups).reduce((sum, [id, g]) => (id === exceptGroupId ? sum : sum + g.committedBots), 0);
}

/** The most bots the environment may run in parallel: its capacity, and never more than 2 on a trial. */
export function parallelBotLimit(env: Pick<EnvironmentDocument, 'plan' | 'capacity'>): number {
  return env.plan === 'trial' ? Math.min(env.capacity, TRIAL_MAX_PARALLEL_BOTS) : env.capacity;
}
