import { byId, instant, isOutdated } from './group-view.js';
import type { PlannerBot } from './planner-input.js';
import { messages } from './reasons.js';
import { allocation, idleAboveCommitted, kept, occupied, release, releaseFront, surplus, want, wantWarm, type Slot } from './slot.js';

/**
 * Sharing the environment's parallel limit between groups (docs/scaling.md, "The fairness rule"):
 * 1. committed bots first: every group below its committed bots is topped up, from free slots, then from
 *    other groups' idle bots above their own committed bots;
 * 2. the rest is water-filled one bot at a time to the group with the fewest bots, ties to the oldest
 *    waiting run, then the most High runs, then the id. Free slots go first; then idle bots beyond another
 *    group's target. A group with waiting runs and no bot at all ("starved") may also take an idle bot that
 *    another group holds above its committed ones, from the best-served such group: one holding two bots or
 *    more, or holding one but whose oldest waiting run is younger than the starved group's. So no queue
 *    starves, even with more busy groups than slots (they take turns, oldest waiting run first).
 * 3. deferred handover: a starved group that got nothing in step 2 (no slot free, no idle bot it may take) asks,
 *    from the best-served group by the same donor rule, for one busy bot above that group's committed bots. The
 *    bot finishes its run and then goes; its slot is given out by the next plan (no bot is created for it now).
 *    One per starved group, and none while bots already leaving will free as many slots as groups are starved.
 * Slots committed to a cold group are held back from step 2: its next run gets its committed bots at once.
 */

function compareFairness(a: Slot, b: Slot): number {
  return allocation(a) - allocation(b) || a.view.waitingSinceMs - b.view.waitingSinceMs || b.view.high - a.view.high || byId(a.view.group, b.view.group);
}

function firstBy<T>(items: readonly T[], compare: (a: T, b: T) => number): T | undefined {
  let best: T | undefined;
  for (const item of items) if (best === undefined || compare(item, best) < 0) best = item;
  return best;
}

/** Which idle bots a beneficiary may take beyond other groups' surplus. */
type DonorRule =
  /** none: only surplus (idle bots beyond another group's target) */
  | 'surplus-only'
  /** committed bots: any idle bot another group holds above its committed bots */
  | 'above-committed'
  /** a starved group: as above, but a group's only bot only when the starved group has waited longer */
  | 'starved';

/** A starved group may take a bot from a group holding two or more, or one whose runs waited less than its own. */
function fairToStarve(donor: Slot, beneficiary: Slot): boolean {
  return kept(donor) >= 2 || beneficiary.view.waitingSinceMs < donor.view.waitingSinceMs;
}

function mayGive(donor: Slot, beneficiary: Slot, rule: DonorRule): boolean {
  if (surplus(donor) > 0) return true;
  if (rule === 'surplus-only' || idleAboveCommitted(donor) === 0) return false;
  if (rule === 'above-committed') return true;
  return fairToStarve(donor, beneficiary);
}

/** Surplus first; then the best-served group; then the one whose oldest run waited the least. */
function donorOrder(a: Slot, b: Slot): number {
  return (
    Number(surplus(b) > 0) - Number(surplus(a) > 0) || kept(b) - kept(a) || b.view.waitingSinceMs - a.view.waitingSinceMs || byId(a.view.group, b.view.group)
  );
}

function pickDonor(slots: readonly Slot[], beneficiary: Slot, rule: DonorRule): Slot | undefined {
  return firstBy(
    slots.filter((s) => s !== beneficiary && mayGive(s, beneficiary, rule)),
    donorOrder,
  );
}

function takeFrom(slots: readonly Slot[], beneficiary: Slot, rule: DonorRule): boolean {
  const donor = pickDonor(slots, beneficiary, rule);
  if (donor === undefined) return false;
  const id = beneficiary.view.group.id;
  return releaseFront(donor, 'idle-surplus', messages.release['idle-surplus'](id), id) !== undefined;
}

/** Step 1: committed bots. Returns the free slots left. */
function topUpCommitted(slots: readonly Slot[], free: number): number {
  const eligible = slots
    .filter((s) => s.view.condition === 'active' || s.view.condition === 'maintenance')
    .sort((a, b) => a.view.waitingSinceMs - b.view.waitingSinceMs || byId(a.view.group, b.view.group));
  let left = free;
  for (const s of eligible) {
    while (occupied(s) < s.view.committed) {
      if (left > 0) left -= 1;
      else if (!takeFrom(slots, s, 'above-committed')) break;
      s.createdCommitted += 1;
    }
  }
  return left;
}

/** Step 2: water-filling of the shared slots between groups whose runs want more bots. Returns the free slots left. */
function shareTheRest(slots: readonly Slot[], shared: number): number {
  let left = shared;
  const stuck = new Set<Slot>();
  for (;;) {
    const next = firstBy(
      slots.filter((s) => s.view.condition === 'active' && want(s) > 0 && !stuck.has(s)),
      compareFairness,
    );
    if (next === undefined) return left;
    if (left > 0) {
      left -= 1;
    } else {
      const starved = allocation(next) === 0 && next.view.queued > 0;
      if (!takeFrom(slots, next, starved ? 'starved' : 'surplus-only')) {
        stuck.add(next);
        continue;
      }
    }
    next.createdDemand += 1;
  }
}

/**
 * Has waiting runs, may get a bot, and holds none for them: none starting, idle, busy, draining or created (a bot
 * already leaving counts while it runs a run of the group, not once it has none: it takes no other).
 */
function isStarved(s: Slot): boolean {
  return s.view.condition === 'active' && s.view.queued > 0 && allocation(s) === 0 && want(s) > 0;
}

/** A busy bot of an active group, above its committed bots (leaving ones do not count), fair to take. */
function mayHandOver(donor: Slot, beneficiary: Slot): boolean {
  return donor.view.condition === 'active' && donor.busy.length > 0 && kept(donor) > donor.view.committed && fairToStarve(donor, beneficiary);
}

/** The busy bot most likely to finish first: of an older image first (saves a drain), then busy the longest, then id. */
function busyToHandOver(s: Slot): PlannerBot | undefined {
  const since = (bot: PlannerBot) => {
    const at = instant(bot.since);
    return Number.isNaN(at) ? Number.POSITIVE_INFINITY : at;
  };
  return firstBy(s.busy, (a, b) => Number(isOutdated(b, s.view.group)) - Number(isOutdated(a, s.view.group)) || since(a) - since(b) || byId(a, b));
}

/**
 * Step 3: deferred handover. A group still starved after step 2 (no free slot, no idle bot it may take) gets a
 * busy bot of the best-served group released after its run. The release frees no slot in this plan: the bot moves
 * to `leaving` and keeps holding its slot, so nothing is created for it now. Bots already leaving (from an earlier
 * plan) will free slots the next plans give to starved groups first (they hold the fewest bots), so each of them
 * stands for one starved group, oldest waiting run first, and only the groups beyond them cause a handover.
 */
function handOver(slots: readonly Slot[]): void {
  let coming = slots.reduce((sum, s) => sum + s.leaving.length, 0);
  for (const starved of slots.filter(isStarved).sort(compareFairness)) {
    if (coming > 0) {
      coming -= 1;
      continue;
    }
    const donor = firstBy(
      slots.filter((s) => s !== starved && mayHandOver(s, starved)),
      donorOrder,
    );
    const bot = donor === undefined ? undefined : busyToHandOver(donor);
    if (donor === undefined || bot === undefined) continue;
    donor.busy = donor.busy.filter((b) => b !== bot);
    donor.leaving.push(bot);
    const id = starved.view.group.id;
    release(donor, bot, 'handover', messages.release.handover(id), id);
  }
}

/**
 * Decides how many bots each group gets in this plan (created* on the slots) and which idle bots go back to
 * the pool for them (releases on the donor slots). Only called when the environment's switch is on.
 */
export function shareCapacity(slots: readonly Slot[], limit: number): void {
  const used = slots.reduce((sum, s) => sum + occupied(s), 0);
  const free = topUpCommitted(slots, Math.max(0, limit - used));
  const heldForColdGroups = slots.filter((s) => s.view.condition === 'cold').reduce((sum, s) => sum + s.view.committed, 0);
  const left = shareTheRest(slots, Math.max(0, free - heldForColdGroups));
  handOver(slots);
  keepWarm(slots, left);
}

/**
 * Step 4: warm spare. Slots still free after every waiting run was served go to groups whose outlook expects runs
 * within one provisioning time, one at a time to the group with the fewest bots beyond its demand (then id): never
 * at the cost of another group's runs, never above maxBots.
 */
function keepWarm(slots: readonly Slot[], free: number): void {
  let left = free;
  const extra = (s: Slot) => occupied(s) - s.view.demand;
  while (left > 0) {
    const next = firstBy(
      slots.filter((s) => s.view.condition === 'active' && wantWarm(s) > 0),
      (a, b) => extra(a) - extra(b) || byId(a.view.group, b.view.group),
    );
    if (next === undefined) return;
    next.createdWarm += 1;
    left -= 1;
  }
}
