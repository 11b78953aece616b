import type { BotDocument } from '../bot.js';
import type { GroupDocument } from '../group.js';
import { OCCUPYING_STATES, type PlannerGroup } from './planner-input.js';

/**
 * How the planning round projects the documents it read onto the planner's input (app/bots/planning-round.ts
 * reads them, the simulator builds them from its world): pure, so both project the same way.
 */

/** What the planner reads of a group document (its image version resolved). */
export interface PlannerGroupSource {
  id: string;
  status: GroupDocument['status'];
  maxBots: number;
  committedBots: number;
  maintenance: boolean;
  imageId: string;
  imageVersion: string;
  lastRunStartedAt?: string;
  updatedAt: string;
  targetWaitMinutes?: number;
  minUtilization?: number;
  capacitySchedule?: GroupDocument['capacitySchedule'];
}

/** What the planner reads of a bot record. */
export type PlannerBotSource = Pick<BotDocument, 'id' | 'groupId' | 'state' | 'imageId' | 'imageVersion' | 'since' | 'releaseRequested' | 'drainRequested'>;

/**
 * A group's queue as the planning round reads it: how many runs wait and how many of them are High, and the
 * queuedAt of the first run in dispatch order (absent when nothing is queued).
 */
export interface QueueCounts {
  queued: number;
  queuedHigh: number;
  oldestQueuedAt?: string;
}

const NOTHING_QUEUED: QueueCounts = Object.freeze({ queued: 0, queuedHigh: 0 });

/**
 * The last thing that happened on the group: the latest of its last run start (refreshed at most hourly by the
 * claim), its last edit, and the moment one of its idle bots last went idle (the end of its last run), so that a
 * group goes cold GROUP_IDLE_TEARDOWN_HOURS after its last run ended, not up to an hour earlier.
 */
function lastActivityOf(group: PlannerGroupSource, bots: readonly PlannerBotSource[]): string {
  const instants = [group.lastRunStartedAt, group.updatedAt, ...bots.filter((b) => b.groupId === group.id && b.state === 'Ready').map((b) => b.since)];
  return instants.filter((t): t is string => t !== undefined).reduce((latest, t) => (Date.parse(t) > Date.parse(latest) ? t : latest));
}

/**
 * A group as the planner sees it: its bots not Deleted (with `releaseRequested` when a release is pending), its
 * queue as counts by priority (which run a bot takes is decided at claim time) and the first run's queue time.
 * `bots` may hold other groups' bots: only the group's own are taken.
 */
export function plannerGroupOf(group: PlannerGroupSource, bots: readonly PlannerBotSource[], queue: QueueCounts): PlannerGroup {
  return {
    id: group.id,
    status: group.status,
    maxBots: group.maxBots,
    committedBots: group.committedBots,
    maintenance: group.maintenance,
    imageId: group.imageId,
    imageVersion: group.imageVersion,
    lastActivityAt: lastActivityOf(group, bots),
    bots: bots
      .filter((b) => b.groupId === group.id && b.state !== 'Deleted')
      // a bot with a release pending still holds its slot; the planner must know not to count on it or ask again; a bot
      // asked to drain is Draining (it takes no run and is drained once: one drain at a time per group)
      .map((b) => ({
        id: b.id,
        state: b.drainRequested && (b.state === 'Ready' || b.state === 'Busy') ? 'Draining' : b.state,
        imageId: b.imageId,
        imageVersion: b.imageVersion,
        since: b.since,
        ...(b.releaseRequested ? { releaseRequested: true } : {}),
      })),
    queued: { high: queue.queuedHigh, normal: queue.queued - queue.queuedHigh, ...(queue.queued > 0 ? { oldestQueuedAt: queue.oldestQueuedAt } : {}) },
    ...serviceLevelOf(group),
  };
}

/** The group's service level and capacity schedule, when it has them (absent otherwise). */
function serviceLevelOf(group: PlannerGroupSource): Pick<PlannerGroup, 'serviceLevel' | 'capacitySchedule'> {
  const out: Pick<PlannerGroup, 'serviceLevel' | 'capacitySchedule'> = {};
  if (group.targetWaitMinutes !== undefined || group.minUtilization !== undefined) {
    out.serviceLevel = {
      ...(group.targetWaitMinutes === undefined ? {} : { targetWaitMinutes: group.targetWaitMinutes }),
      ...(group.minUtilization === undefined ? {} : { minUtilization: group.minUtilization }),
    };
  }
  if (group.capacitySchedule !== undefined && group.capacitySchedule.length > 0)
    out.capacitySchedule = group.capacitySchedule.map((w) => ({ from: w.from, to: w.to, committedBots: w.committedBots }));
  return out;
}

/** Bots of the planner's input that hold a slot of the environment's limit now. */
export function occupiedNowOf(groups: readonly PlannerGroup[]): number {
  return groups.reduce((sum, g) => sum + g.bots.filter((b) => OCCUPYING_STATES.includes(b.state)).length, 0);
}

/**
 * A user's DELETE removes the group document once its queued runs are cancelled, while its bots may still be up:
 * they are planned as a deleted group's (released, a busy one after its run), so no VM outlives its group.
 */
export function groupsRemovedUnderTheirBots(groups: readonly Pick<GroupDocument, 'id'>[], bots: readonly PlannerBotSource[], now: string): PlannerGroup[] {
  const known = new Set(groups.map((g) => g.id));
  const orphans = bots.filter((b) => !known.has(b.groupId) && b.state !== 'Deleted' && b.state !== 'Failed');
  return [...new Set(orphans.map((b) => b.groupId))].map((groupId) => {
    const first = orphans.find((b) => b.groupId === groupId);
    const source: PlannerGroupSource = {
      id: groupId,
      status: 'deleted',
      maxBots: 0,
      committedBots: 0,
      maintenance: false,
      imageId: first?.imageId ?? 'unknown',
      imageVersion: first?.imageVersion ?? 'unknown',
      updatedAt: now,
    };
    return plannerGroupOf(source, orphans, NOTHING_QUEUED);
  });
}
