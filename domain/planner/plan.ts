import { parallelBotLimit } from '../environment.js';
import { shareCapacity } from './fair-share.js';
import { byId, count, instant, isOutdated, viewGroup, type ViewContext } from './group-view.js';
import { OCCUPYING_STATES, type PlannerBot, type PlannerInput } from './planner-input.js';
import type { CreateBots, Decision, GroupPlan, Plan, UnservedGroup } from './planner-output.js';
import { messages, unservedMessage, type UnservedReason } from './reasons.js';
import { allocation, beyondWarm, created, newSlot, occupied, release, releaseFront, surplus, type Slot } from './slot.js';

/**
 * The capacity planner: a pure function from what the environment looks like to what should change, each
 * decision with its reason. No clock (`now` is input), no randomness, no I/O; groups and bots are sorted by
 * id first, so the same input in any order gives the same plan. The rules are in docs/scaling.md.
 */
export function plan(input: PlannerInput): Plan {
  return planned(input, true);
}

/**
 * The target plan: where the environment should be once its releases are done, creates not cut to the slots free
 * now (a bot handed over from another group is counted in the group it goes to). What `plan` starts from; the
 * planner's invariants (fairness, committed bots, handover) are stated on it.
 */
export function planTarget(input: PlannerInput): Plan {
  return planned(input, false);
}

function planned(input: PlannerInput, onlyFreeNow: boolean): Plan {
  const env = input.environment;
  const limit = parallelBotLimit({ plan: env.plan, capacity: count(env.capacity) });
  const ctx: ViewContext = { nowMs: instant(input.now), switchOn: env.hostedRpaEnabled, settings: input.settings };
  const slots = [...input.groups].sort(byId).map((g) => newSlot(viewGroup(g, ctx)));

  for (const s of slots) releaseGroupsThatKeepNothing(s, input);
  for (const s of slots) releaseAboveMaxBots(s);
  for (const s of slots) releaseTimedOut(s, ctx);
  releaseAboveLimit(slots, limit);
  if (ctx.switchOn) {
    shareCapacity(slots, limit);
    for (const s of slots) drainOneForImageChange(s);
  }
  if (onlyFreeNow) startOnlyInSlotsFreeNow(slots, input, limit);
  return assemble(input, limit, slots);
}

/**
 * The plan describes where the environment should be once its releases are done, but new bots start only in slots
 * free now, so the limit holds at every moment: a bot handed over from another group (or replacing one still tearing
 * down) is created by a later plan, once the released one no longer holds its slot. The free slots go to committed
 * bots first, then to waiting runs (oldest waiting run first), then to warm spares, so a warm bot never takes the
 * slot a waiting run of another group needs; what the plan says is what the round does.
 */
function startOnlyInSlotsFreeNow(slots: readonly Slot[], input: PlannerInput, limit: number): void {
  const occupiedNow = input.groups.reduce((sum, g) => sum + g.bots.filter((b) => OCCUPYING_STATES.includes(b.state)).length, 0);
  let free = Math.max(0, limit - occupiedNow);
  const oldestWaitingFirst = [...slots].sort((a, b) => waitedLess(b, a) || byId(a.view.group, b.view.group));
  const order = { createdCommitted: slots, createdDemand: oldestWaitingFirst, createdWarm: slots } as const;
  for (const key of ['createdCommitted', 'createdDemand', 'createdWarm'] as const) {
    for (const s of order[key]) {
      const n = Math.min(s[key], free);
      free -= n;
      s[key] = n;
    }
  }
}

function releaseGroupsThatKeepNothing(s: Slot, input: PlannerInput): void {
  const { condition } = s.view;
  if (condition === 'deleted') {
    const message = messages.release['group-deleted']();
    // bots already leaving are released again: the group keeps nothing, whatever was asked before
    for (const bot of [...s.provisioning, ...s.ready, ...s.busy, ...s.draining, ...s.leaving].sort(byId)) release(s, bot, 'group-deleted', message);
    s.provisioning = [];
    s.ready = [];
    s.busy = [];
    s.draining = [];
    s.leaving = [];
  } else if (condition === 'cold') {
    // cold means nothing runs: only provisioning (committed warm-up) and idle bots are left to release
    const message = messages.release['group-cold'](input.settings.groupIdleTeardownHours);
    // (a leaving bot of a cold group is idle or provisioning too: asked again, as for a deleted group)
    for (const bot of [...s.provisioning, ...s.ready, ...s.leaving].sort(byId)) release(s, bot, 'group-cold', message);
    s.provisioning = [];
    s.ready = [];
    s.leaving = [];
  }
}

/** maxBots was lowered below the bots the group holds: its idle bots above the maximum go now. */
function releaseAboveMaxBots(s: Slot): void {
  const message = messages.release['over-limit'](`the group's maxBots (${s.view.maxBots})`);
  while (occupied(s) > s.view.maxBots && releaseFront(s, 'over-limit', message) !== undefined);
}

/**
 * Idle bots beyond what the group needs (never its committed ones, nor its warm spare) go once idle for the timeout:
 * BOT_IDLE_TIMEOUT_SECONDS, or the shorter break-even keep time learned from the group's outlook (warm.ts).
 */
function releaseTimedOut(s: Slot, ctx: ViewContext): void {
  const learned = s.view.group.outlook !== undefined;
  const timeout = learned ? s.view.warm.keepIdleSeconds : ctx.settings.botIdleTimeoutSeconds;
  const beyondNeed = s.ready.slice(0, beyondWarm(s));
  const idleSeconds = (bot: PlannerBot) => Math.floor((ctx.nowMs - instant(bot.since)) / 1000);
  const timedOut = beyondNeed.filter((bot) => idleSeconds(bot) >= timeout);
  for (const bot of timedOut) release(s, bot, 'idle-timeout', messages.release['idle-timeout'](idleSeconds(bot), timeout, learned));
  s.ready = s.ready.filter((bot) => !timedOut.includes(bot));
}

/**
 * The parallel limit was lowered below the bots the environment holds: idle bots go, surplus ones first,
 * then those above their group's committed bots, then any, always from the best-served group (ties: the one whose
 * oldest waiting run waited least, so the release does not leave the longer-waiting group to take another's bot).
 */
function releaseAboveLimit(slots: readonly Slot[], limit: number): void {
  const message = messages.release['over-limit'](`the environment's parallel limit (${limit})`);
  let used = slots.reduce((sum, s) => sum + occupied(s), 0);
  while (used > limit) {
    const tier = (s: Slot) => (surplus(s) > 0 ? 0 : allocation(s) > s.view.committed ? 1 : 2);
    const donor = slots
      .filter((s) => s.ready.length > 0)
      .sort((a, b) => tier(a) - tier(b) || allocation(b) - allocation(a) || waitedLess(a, b) || byId(a.view.group, b.view.group))[0];
    if (donor === undefined || releaseFront(donor, 'over-limit', message) === undefined) return;
    used -= 1;
  }
}

/** The group whose oldest waiting run is younger gives first (a group with none waiting, first of all). */
function waitedLess(a: Slot, b: Slot): number {
  const since = (s: Slot) => (Number.isFinite(s.view.waitingSinceMs) ? s.view.waitingSinceMs : Number.MAX_VALUE);
  return Math.sign(since(b) - since(a));
}

/**
 * One drain at a time per group: none while a bot of the group is Draining or Provisioning (a drained bot
 * reprovisions, so this keeps at most one bot out of service for the change). An idle bot of an older image
 * drains first, unless every idle bot is needed for a waiting run; otherwise a busy one, after its run.
 */
function drainOneForImageChange(s: Slot): void {
  const { group, condition, queued } = s.view;
  if (condition !== 'active' && condition !== 'maintenance') return;
  if (s.draining.length > 0 || s.provisioning.length > 0) return;
  const waitingForABot = condition === 'active' ? queued : 0;
  const spareIdle = s.ready.length + created(s) - waitingForABot;
  const idle = spareIdle > 0 ? s.ready.find((bot) => isOutdated(bot, group)) : undefined;
  const bot = idle ?? s.busy.find((b) => isOutdated(b, group));
  if (bot === undefined) return;
  s.drains.push({
    kind: 'drain',
    groupId: group.id,
    botId: bot.id,
    reason: 'image-change',
    fromImageId: bot.imageId,
    fromImageVersion: bot.imageVersion,
    toImageId: group.imageId,
    toImageVersion: group.imageVersion,
    busy: idle === undefined,
    message: messages.drain(`${bot.imageId}@${bot.imageVersion}`, `${group.imageId}@${group.imageVersion}`, idle === undefined),
  });
}

function unservedReason(s: Slot, limit: number, trial: boolean): UnservedReason {
  const { condition, maxBots } = s.view;
  if (condition === 'deleted') return 'group-deleted';
  if (condition === 'switched-off') return 'switch-off';
  if (condition === 'maintenance') return 'group-in-maintenance';
  if (occupied(s) >= maxBots) return 'group-at-max-bots';
  return trial && limit >= 2 ? 'trial-limit' : 'environment-capacity-exhausted';
}

function unserved(s: Slot, input: PlannerInput, limit: number): UnservedGroup | undefined {
  const { queued, condition, maxBots, waitingSinceMs } = s.view;
  if (queued === 0) return undefined;
  const drainedIdle = s.drains.filter((d) => !d.busy).length;
  const covering = s.ready.length - drainedIdle + s.provisioning.length + created(s);
  let waitingRuns = condition === 'active' ? queued - covering : queued;
  // with an outlook, the runs its busy bots are expected to start before a new bot could be up are not unserved:
  // only those the target asks a bot for and did not get one
  if (condition === 'active' && s.view.group.outlook !== undefined) waitingRuns = Math.min(waitingRuns, Math.max(0, s.view.target - occupied(s)));
  if (waitingRuns <= 0) return undefined;
  const reason = unservedReason(s, limit, input.environment.plan === 'trial');
  const entry: UnservedGroup = { groupId: s.view.group.id, waitingRuns, reason, message: unservedMessage(reason, { maxBots, limit }) };
  const waited = Math.floor((instant(input.now) - waitingSinceMs) / 1000);
  if (Number.isFinite(waited)) entry.oldestWaitSeconds = Math.max(0, waited);
  return entry;
}

function creates(s: Slot): CreateBots[] {
  const { group, committed, queued } = s.view;
  const base = { kind: 'create', groupId: group.id, imageId: group.imageId, imageVersion: group.imageVersion } as const;
  const out: CreateBots[] = [];
  if (s.createdCommitted > 0)
    out.push({
      ...base,
      count: s.createdCommitted,
      reason: 'committed',
      message: messages.createCommitted(s.createdCommitted, committed, committed > Math.min(count(group.committedBots), s.view.maxBots)),
    });
  if (s.createdDemand > 0) out.push({ ...base, count: s.createdDemand, reason: 'demand', message: messages.createDemand(s.createdDemand, queued) });
  if (s.createdWarm > 0)
    out.push({
      ...base,
      count: s.createdWarm,
      reason: 'warm',
      message: messages.createWarm(
        s.createdWarm,
        s.view.group.outlook?.expectedArrivals ?? 0,
        s.view.group.outlook?.provisionMinutes ?? 0,
        s.view.warm.quantile,
      ),
    });
  return out;
}

function groupPlan(s: Slot): GroupPlan {
  const v = s.view;
  const before = v.provisioning.length + v.ready.length + v.busy.length + v.draining.length + v.leaving.length;
  return {
    groupId: v.group.id,
    condition: v.condition,
    maxBots: v.maxBots,
    committedBots: v.committed,
    queued: v.queued,
    running: v.running,
    demand: v.demand,
    target: v.target,
    before,
    created: created(s),
    released: s.releases.length,
    drained: s.drains.length,
    after: before - s.releases.length + created(s),
    ...warmFields(s),
  };
}

/** The warm spare and the service level, for groups that have an outlook or a service level (absent otherwise). */
function warmFields(s: Slot): Pick<GroupPlan, 'warm' | 'serviceLevel'> {
  const { group, warm, condition } = s.view;
  const out: Pick<GroupPlan, 'warm' | 'serviceLevel'> = {};
  if (group.outlook !== undefined)
    out.warm = {
      spare: condition === 'active' ? Math.max(0, s.view.warmTarget - s.view.target) : 0,
      keepIdleSeconds: warm.keepIdleSeconds,
      expectedArrivals: group.outlook.expectedArrivals,
      provisionMinutes: group.outlook.provisionMinutes,
    };
  const sl = group.serviceLevel;
  if (sl !== undefined) {
    out.serviceLevel = { conflict: condition === 'active' && warm.conflict };
    if (sl.targetWaitMinutes !== undefined) out.serviceLevel.targetWaitMinutes = sl.targetWaitMinutes;
    if (sl.minUtilization !== undefined) out.serviceLevel.minUtilization = sl.minUtilization;
    if (out.serviceLevel.conflict) out.serviceLevel.message = messages.serviceLevelConflict(warm.wanted, warm.spare, sl.minUtilization ?? 0);
  }
  return out;
}

function byGroupThenBot(a: { groupId: string; botId: string }, b: { groupId: string; botId: string }): number {
  return a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : a.botId < b.botId ? -1 : a.botId > b.botId ? 1 : 0;
}

function assemble(input: PlannerInput, limit: number, slots: readonly Slot[]): Plan {
  const decisions: Decision[] = [
    ...slots.flatMap((s) => s.releases).sort(byGroupThenBot),
    ...slots.flatMap((s) => s.drains).sort(byGroupThenBot),
    ...slots.flatMap(creates),
  ];
  const groups = slots.map(groupPlan);
  const sum = (pick: (g: GroupPlan) => number) => groups.reduce((total, g) => total + pick(g), 0);
  return {
    environmentId: input.environment.id,
    at: input.now,
    limit,
    decisions,
    unserved: slots.map((s) => unserved(s, input, limit)).filter((u): u is UnservedGroup => u !== undefined),
    groups,
    totals: {
      before: sum((g) => g.before),
      after: sum((g) => g.after),
      created: sum((g) => g.created),
      released: sum((g) => g.released),
      drained: sum((g) => g.drained),
    },
  };
}
