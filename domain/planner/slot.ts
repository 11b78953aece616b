import type { GroupView } from './group-view.js';
import type { PlannerBot } from './planner-input.js';
import type { DrainBot, ReleaseBot } from './planner-output.js';
import type { ReleaseReason } from './reasons.js';

/**
 * One group's working state while a plan is being made: the bots it still holds, what it was given and
 * what it gave up. Local to one `plan` call (the planner mutates only what it created).
 */
export interface Slot {
  view: GroupView;
  provisioning: PlannerBot[];
  busy: PlannerBot[];
  draining: PlannerBot[];
  /** bots with a release pending, those of the input and those handed over in this plan: they hold their slot */
  leaving: PlannerBot[];
  /** idle bots still held, in release-first order: the front is what the group gives up first */
  ready: PlannerBot[];
  createdCommitted: number;
  createdDemand: number;
  /** bots created to keep warm for the runs the group's outlook expects (reason `warm`) */
  createdWarm: number;
  releases: ReleaseBot[];
  drains: DrainBot[];
}

export function newSlot(view: GroupView): Slot {
  return {
    view,
    provisioning: [...view.provisioning],
    busy: [...view.busy],
    draining: [...view.draining],
    leaving: [...view.leaving],
    ready: [...view.ready],
    createdCommitted: 0,
    createdDemand: 0,
    createdWarm: 0,
    releases: [],
    drains: [],
  };
}

/** Bots the plan cannot take back this round: provisioning in flight, running a run, draining, leaving. */
export function hard(s: Slot): number {
  return s.provisioning.length + s.busy.length + s.draining.length + s.leaving.length;
}

/** Leaving bots that hold no run: the group's target does not count them (it counts the runs of the others). */
function leavingIdle(s: Slot): number {
  return s.leaving.filter((b) => b.state !== 'Busy' && b.state !== 'Draining').length;
}

export function created(s: Slot): number {
  return s.createdCommitted + s.createdDemand + s.createdWarm;
}

/** Slots of the parallel limit the group holds now, counting what this plan created. */
export function occupied(s: Slot): number {
  return hard(s) + s.ready.length + created(s);
}

/** Idle bots beyond the group's target (max of committed and demand): surplus for the pool. */
export function surplus(s: Slot): number {
  return Math.max(0, s.ready.length - Math.max(0, s.view.target - (hard(s) - leavingIdle(s))));
}

/** Idle bots beyond the group's warm target (its target plus the warm spare): what the idle rule may release. */
export function beyondWarm(s: Slot): number {
  return Math.max(0, s.ready.length - Math.max(0, s.view.warmTarget - (hard(s) - leavingIdle(s))));
}

/** How many more bots the warm spare asks for, within maxBots (only from free slots: never at another group's cost). */
export function wantWarm(s: Slot): number {
  return Math.max(0, Math.min(s.view.warmTarget - (occupied(s) - leavingIdle(s)), s.view.maxBots - occupied(s)));
}

/**
 * The bots the group holds and needs: its allocation, the quantity the fair rule evens out. A leaving bot still
 * running one of the group's runs counts (the run is in the group's demand); a leaving idle or provisioning one
 * does not: it will take no run.
 */
export function allocation(s: Slot): number {
  return occupied(s) - surplus(s) - leavingIdle(s);
}

/** The bots the group holds, needs and keeps: its allocation without those already leaving. What a donor holds. */
export function kept(s: Slot): number {
  return occupied(s) - surplus(s) - s.leaving.length;
}

/** Idle bots the group needs for its runs but holds above its committed bots (leaving ones do not count). */
export function idleAboveCommitted(s: Slot): number {
  const needed = s.ready.length - surplus(s);
  return Math.max(0, Math.min(needed, kept(s) - s.view.committed));
}

/** How many more bots the group's target asks for, within its maxBots (leaving bots hold their slot until gone). */
export function want(s: Slot): number {
  return Math.max(0, Math.min(s.view.target - allocation(s), s.view.maxBots - occupied(s)));
}

export function release(s: Slot, bot: PlannerBot, reason: ReleaseReason, message: string, forGroupId?: string): void {
  const decision: ReleaseBot = { kind: 'release', groupId: s.view.group.id, botId: bot.id, reason, message };
  if (forGroupId !== undefined) decision.forGroupId = forGroupId;
  s.releases.push(decision);
}

/** Releases the group's first idle bot in release-first order; undefined when it holds none. */
export function releaseFront(s: Slot, reason: ReleaseReason, message: string, forGroupId?: string): PlannerBot | undefined {
  const bot = s.ready.shift();
  if (bot !== undefined) release(s, bot, reason, message, forGroupId);
  return bot;
}
