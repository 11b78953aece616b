import type { SimGroup } from '../sim-group.js';
import type { World } from '../world.js';

/**
 * The environment's capacity as the baselines see it: a hard cap (the licence, or the subscription's quota).
 * Free slots go one at a time, round-robin, to the groups that ask, the one whose oldest run waited longest
 * first, so no baseline loses for a naive sharing rule.
 */
export function grant(world: World, wants: ReadonlyMap<SimGroup, number>): void {
  let free = Math.max(0, world.capacity - world.occupied());
  const left = new Map([...wants].filter(([, n]) => n > 0));
  const order = [...left.keys()].sort((a, b) => (a.queue.oldestQueuedAt() ?? Infinity) - (b.queue.oldestQueuedAt() ?? Infinity) || (a.id < b.id ? -1 : 1));
  while (free > 0 && left.size > 0) {
    for (const g of order) {
      const n = left.get(g);
      if (n === undefined || free === 0) continue;
      world.createBot(g.id);
      free -= 1;
      if (n <= 1) left.delete(g);
      else left.set(g, n - 1);
    }
  }
}

/** Idle bots of a group, the longest idle first. */
export function idleLongestFirst(g: SimGroup): ReturnType<SimGroup['inState']> {
  return g.inState('Ready').sort((a, b) => a.since - b.since || (a.id < b.id ? -1 : 1));
}

/** GROUP_IDLE_TEARDOWN_HOURS, for every baseline: a group idle this long keeps no bots, committed ones included. */
export const GROUP_COLD_MS = 3 * 60 * 60_000;

/** The last time anything happened on the group: created, a run queued or ended. */
export function lastActivity(g: SimGroup): number {
  return Math.max(g.createdAt, g.lastQueuedAt ?? 0, g.lastRunEndedAt ?? 0);
}

/**
 * The committed bots (min replicas, standby) a baseline keeps for a group now: the same meaning as the project's,
 * so no baseline pays for committed bots the project would not: none once the group has been idle 3 hours with
 * nothing queued or running.
 */
export function committedOf(world: World, g: SimGroup): number {
  const idle = g.queue.length === 0 && g.running() === 0 && world.now - lastActivity(g) >= GROUP_COLD_MS;
  return idle ? 0 : g.config.committedBots;
}
