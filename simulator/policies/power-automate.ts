import { MINUTE } from '../model.js';
import type { ScalingPolicy, WorldEvent } from '../policy.js';
import type { SimGroup } from '../sim-group.js';
import type { World } from '../world.js';
import { committedOf, grant, idleLongestFirst } from './capacity.js';

/**
 * Power-Automate-like, as the product docs describe hosted machine groups (../shared/seeds/001: "Whenever a desktop
 * flow waits in the queue and no bot is available, a bot is created automatically ... as long as the maximum number
 * of bots for this group isn't reached and you have enough unattended add-ons"; committed bots are kept (seed 000:
 * "the maximum and committed number of bots"); the current docs add that a group scales in when no desktop flow is
 * allocated to an available bot). Reacts to every event. The one knob the docs leave open, how long an available
 * bot stays before it is scaled in (`idleMinutes`), is swept. A group idle 3 hours keeps no bots (the project's rule;
 * the preview docs say 24 h).
 */
export class PowerAutomatePolicy implements ScalingPolicy {
  readonly name: string;
  readonly label = 'Power-Automate-like';
  readonly intervalMs = MINUTE;
  readonly timerRestarts = false;
  readonly dispatchOnArrival = true;
  readonly decideBeforeReclaim = false;

  constructor(private readonly idleMinutes = 15) {
    this.name = `power-automate-idle${idleMinutes}`;
  }

  get knobs(): string {
    return `scale in after ${this.idleMinutes} min idle`;
  }

  wakesOn(_event: WorldEvent): boolean {
    return true;
  }

  decide(world: World): void {
    const wants = new Map<SimGroup, number>();
    for (const g of world.groups) {
      const committed = committedOf(world, g);
      const alive = g.alive();
      let removable = alive.length - committed;
      for (const bot of idleLongestFirst(g)) {
        if (removable <= 0 || g.queue.length > 0) break;
        if (world.now - bot.since < this.idleMinutes * MINUTE) break;
        world.release(bot.id, 'scale-in', 'cancel');
        removable -= 1;
      }
      const covering = g.inState('Ready').length + g.inState('Provisioning').length;
      const uncovered = Math.max(0, g.queue.length - covering);
      const room = Math.max(0, g.config.maxBots - g.alive().length);
      wants.set(g, Math.min(room, Math.max(uncovered, committed - g.alive().length)));
    }
    grant(world, wants);
  }
}
