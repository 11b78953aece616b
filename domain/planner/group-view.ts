import { OCCUPYING_STATES, type PlannerBot, type PlannerGroup, type PlannerSettings } from './planner-input.js';
import type { GroupCondition } from './planner-output.js';
import { committedNow, coverableRuns, warmVerdict, type WarmVerdict } from './warm.js';

/** A non-negative whole number from a count that may arrive malformed (NaN, negative, fractional). */
export function count(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

/** Milliseconds since the epoch of an ISO instant; NaN when absent or unreadable (every comparison with it is false). */
export function instant(iso: string | undefined): number {
  return iso === undefined ? Number.NaN : Date.parse(iso);
}

export function byId<T extends { id: string }>(a: T, b: T): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function isOutdated(bot: PlannerBot, group: PlannerGroup): boolean {
  return bot.imageId !== group.imageId || bot.imageVersion !== group.imageVersion;
}

/**
 * The order in which a group gives up its idle bots: bots of an older image first (releasing them saves a
 * reprovision), then the longest idle, then by id. The bots a group keeps are the ones at the end.
 */
function inReleaseOrder(bots: PlannerBot[], group: PlannerGroup, nowMs: number): PlannerBot[] {
  const keyed = bots.map((bot) => {
    const at = instant(bot.since);
    return { bot, outdated: isOutdated(bot, group), idleSince: Number.isNaN(at) ? nowMs : at };
  });
  keyed.sort((a, b) => Number(b.outdated) - Number(a.outdated) || a.idleSince - b.idleSince || byId(a.bot, b.bot));
  return keyed.map((k) => k.bot);
}

/** How the planner sees one group: its condition, demand and target, and its bots sorted by state. */
export interface GroupView {
  group: PlannerGroup;
  condition: GroupCondition;
  maxBots: number;
  /** committedBots, never above maxBots */
  committed: number;
  queued: number;
  high: number;
  /** runs in progress: Busy bots and Draining ones (a draining bot finishes its run), leaving ones included */
  running: number;
  demand: number;
  target: number;
  /** the target with the warm bots: max(target, min(maxBots, running + warm.spare)) for an active group, else target */
  warmTarget: number;
  /** the warm spare and the idle keep time learned from the group's outlook (warm.ts) */
  warm: WarmVerdict;
  /** when the oldest queued run was queued, ms; +Infinity when unknown so such groups sort last */
  waitingSinceMs: number;
  /** the four lists below hold the bots that stay: a bot with a release pending is in `leaving` only */
  provisioning: PlannerBot[];
  /** idle bots in release-first order */
  ready: PlannerBot[];
  busy: PlannerBot[];
  draining: PlannerBot[];
  /**
   * Bots holding a slot with a release already pending (`releaseRequested`): they go after their run (or once
   * provisioned), take no further run and are not released again, but hold their slot until they have gone.
   */
  leaving: PlannerBot[];
}

export interface ViewContext {
  nowMs: number;
  switchOn: boolean;
  settings: PlannerSettings;
}

function conditionOf(group: PlannerGroup, queued: number, running: number, expecting: boolean, ctx: ViewContext): GroupCondition {
  if (group.status === 'deleted') return 'deleted';
  const idleMs = ctx.nowMs - instant(group.lastActivityAt);
  // A run, queued or running, wakes the group whatever its last activity says; so do runs its outlook expects.
  if (queued === 0 && running === 0 && !expecting && idleMs >= ctx.settings.groupIdleTeardownHours * 3_600_000) return 'cold';
  if (!ctx.switchOn) return 'switched-off';
  return group.maintenance ? 'maintenance' : 'active';
}

function targetOf(condition: GroupCondition, maxBots: number, committed: number, running: number, demand: number): number {
  switch (condition) {
    case 'deleted':
    case 'cold':
      return 0;
    case 'maintenance':
    case 'switched-off':
      // no run is dispatched: only the committed warm bots and the bots finishing their runs are needed
      return Math.min(maxBots, Math.max(committed, running));
    case 'active':
      return Math.min(maxBots, Math.max(committed, demand));
  }
}

/**
 * The bots the group's queued runs need. Without an outlook: one per queued run. With one: the idle and
 * provisioning bots that will take them, and a new bot only for each run its bots (busy ones included) are not
 * expected to start within max(the learned provisioning time, the group's targetWaitMinutes): a run that a busy bot
 * will take before a new bot could be up gets no new bot.
 */
function botsForQueue(group: PlannerGroup, staying: readonly PlannerBot[], queued: number, ctx: ViewContext): number {
  const outlook = group.outlook;
  if (outlook === undefined || queued === 0) return queued;
  const target = group.serviceLevel?.targetWaitMinutes;
  const horizonMinutes = Math.max(
    Number.isFinite(outlook.provisionMinutes) ? outlook.provisionMinutes : 0,
    target !== undefined && Number.isFinite(target) ? target : 0,
  );
  const coverable = coverableRuns(staying, ctx.nowMs, horizonMinutes * 60_000, outlook);
  const waiting = staying.filter((b) => b.state === 'Ready' || b.state === 'Provisioning').length;
  return Math.min(queued, waiting + Math.max(0, queued - coverable));
}

export function viewGroup(group: PlannerGroup, ctx: ViewContext): GroupView {
  const bots = [...group.bots].sort(byId);
  const staying = bots.filter((b) => b.releaseRequested !== true);
  const inState = (state: PlannerBot['state']) => staying.filter((b) => b.state === state);
  const busy = inState('Busy');
  const draining = inState('Draining');
  const leaving = bots.filter((b) => b.releaseRequested === true && OCCUPYING_STATES.includes(b.state));
  const high = count(group.queued.high);
  const queued = high + count(group.queued.normal);
  // a leaving bot that is Busy or Draining still runs its run
  const running = bots.filter((b) => b.state === 'Busy' || b.state === 'Draining').length;
  const maxBots = count(group.maxBots);
  const committed = Math.min(committedNow(group, ctx.nowMs, count(group.committedBots)), maxBots);
  const demand = queued + running;
  const coverBusy =
    group.outlook === undefined
      ? 0
      : coverableRuns(
          staying.filter((b) => b.state === 'Busy'),
          ctx.nowMs,
          group.outlook.provisionMinutes * 60_000,
          group.outlook,
        );
  const warm = warmVerdict(group.outlook, group, queued, running, coverBusy, ctx.settings);
  const condition = conditionOf(group, queued, running, group.status === 'active' && warm.spare > 0, ctx);
  const needed = condition === 'active' ? running + botsForQueue(group, staying, queued, ctx) : demand;
  const target = targetOf(condition, maxBots, committed, running, needed);
  const waitingSince = instant(group.queued.oldestQueuedAt);
  return {
    group,
    condition,
    maxBots,
    committed,
    queued,
    high,
    running,
    demand,
    target,
    warmTarget: condition === 'active' ? Math.max(target, Math.min(maxBots, running + warm.spare)) : target,
    warm,
    waitingSinceMs: queued > 0 && !Number.isNaN(waitingSince) ? waitingSince : Number.POSITIVE_INFINITY,
    provisioning: inState('Provisioning'),
    ready: inReleaseOrder(inState('Ready'), group, ctx.nowMs),
    busy,
    draining,
    leaving,
  };
}
