import type { CreateReason, DrainReason, ReleaseReason, UnservedReason } from './reasons.js';

/**
 * What a planning round decides. Every object is plain JSON (strings, numbers, booleans; an optional field is
 * left out, never undefined) so decisions can be stored as "scaling decisions" as they are and served by the API.
 */

/** Create `count` bots in a group, from the group's current image. */
export interface CreateBots {
  kind: 'create';
  groupId: string;
  count: number;
  imageId: string;
  imageVersion: string;
  reason: CreateReason;
  message: string;
}

/**
 * Tear one bot down. An idle bot goes at once; a Provisioning one once it is up; a Busy or Draining one after its
 * run: only when its group is deleted, or (`handover`) when another group has runs waiting and no bot at all.
 */
export interface ReleaseBot {
  kind: 'release';
  groupId: string;
  botId: string;
  reason: ReleaseReason;
  /** the group the freed slot goes to (idle-surplus and handover only) */
  forGroupId?: string;
  message: string;
}

/** Drain one bot for an image change: it finishes its run if it has one, then reprovisions from the new image. */
export interface DrainBot {
  kind: 'drain';
  groupId: string;
  botId: string;
  reason: DrainReason;
  fromImageId: string;
  fromImageVersion: string;
  toImageId: string;
  toImageVersion: string;
  /** true when the bot is running a run: it drains after that run */
  busy: boolean;
  message: string;
}

export type Decision = CreateBots | ReleaseBot | DrainBot;

/** A group whose waiting runs got no bot in this plan, and why. */
export interface UnservedGroup {
  groupId: string;
  /** runs still waiting with no bot (Ready, Provisioning or just created) to take them */
  waitingRuns: number;
  /** seconds the oldest queued run has waited, when known */
  oldestWaitSeconds?: number;
  reason: UnservedReason;
  message: string;
}

/** How the planner saw a group and what it leaves it with: for logs and the scaling endpoint. */
export type GroupCondition = 'active' | 'maintenance' | 'switched-off' | 'cold' | 'deleted';

export interface GroupPlan {
  groupId: string;
  condition: GroupCondition;
  maxBots: number;
  committedBots: number;
  queued: number;
  /** runs in progress (Busy and Draining bots) */
  running: number;
  /** queued + running: the most bots the runs could use */
  demand: number;
  /** min(maxBots, max(committed, demand)) for an active group; see docs/scaling.md for the others */
  target: number;
  /** bots holding a slot before the plan: Provisioning + Ready + Busy + Draining */
  before: number;
  created: number;
  released: number;
  drained: number;
  /** bots holding a slot once the plan is applied: before − released + created (a drained bot keeps its slot) */
  after: number;
  /** with an outlook: the warm bots kept beyond the target (spare), and how long an idle bot beyond them is kept */
  warm?: { spare: number; keepIdleSeconds: number; expectedArrivals: number; provisionMinutes: number };
  /** with a service level: the targets, and whether minUtilization cut the warm bots the wait target asks for */
  serviceLevel?: { targetWaitMinutes?: number; minUtilization?: number; conflict: boolean; message?: string };
}

export interface Plan {
  environmentId: string;
  at: string;
  /** the environment's parallel limit: its capacity, and at most 2 on a trial plan */
  limit: number;
  /** releases first (they free slots), then drains, then creates; each sorted by group and bot id */
  decisions: Decision[];
  unserved: UnservedGroup[];
  groups: GroupPlan[];
  totals: { before: number; after: number; created: number; released: number; drained: number };
}
