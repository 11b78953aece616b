import { HOUR, MINUTE } from '../model.js';
import type { ScalingPolicy, WorldEvent } from '../policy.js';
import type { SimGroup } from '../sim-group.js';
import type { World } from '../world.js';
import { grant } from './capacity.js';

/**
 * Power-Automate-like: a bot for every waiting run no bot covers, up to the group's maxBots (and the
 * environment's capacity), committed bots kept warm; bots are kept while the group has work, and all go once
 * the group has been idle for 3 hours (then its next run waits for a cold start). Reacts to every event, and
 * checks every minute.
 */
export class PowerAutomatePolicy implements ScalingPolicy {
  readonly name = 'power-automate';
  readonly label = 'Power-Automate-like';
  readonly intervalMs = MINUTE;
  readonly timerRestarts = false;
  readonly dispatchOnArrival = true;
  readonly decideBeforeReclaim = false;

  constructor(private readonly coldAfterMs = 3 * HOUR) {}

  wakesOn(_event: WorldEvent): boolean {
    return true;
  }

  private lastActivity(g: SimGroup): number {
    return Math.max(g.createdAt, g.lastQueuedAt ?? 0, g.lastRunEndedAt ?? 0);
  }

  decide(world: World): void {
    const wants = new Map<SimGroup, number>();
    for (const g of world.groups) {
      const alive = g.alive();
      const idleGroup = g.queue.length === 0 && g.running() === 0;
      if (idleGroup && world.now - this.lastActivity(g) >= this.coldAfterMs) {
        for (const bot of alive) world.release(bot.id, 'group-cold', 'cancel');
        continue;
      }
      const covering = g.inState('Ready').length + g.inState('Provisioning').length;
      const uncovered = Math.max(0, g.queue.length - covering);
      const room = Math.max(0, g.config.maxBots - alive.length);
      wants.set(g, Math.min(room, Math.max(uncovered, g.config.committedBots - alive.length)));
    }
    grant(world, wants);
  }
}
