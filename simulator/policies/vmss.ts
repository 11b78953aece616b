import { MINUTE } from '../model.js';
import type { ScalingPolicy, WorldEvent } from '../policy.js';
import type { SimGroup } from '../sim-group.js';
import type { World } from '../world.js';
import { grant, idleLongestFirst } from './capacity.js';

/**
 * VMSS-agent-pool-like (an Azure DevOps scale set agent pool per group): every 5 minutes, when more runs wait
 * than idle and starting agents could take, the pool grows by a step of a percentage of its maximum (25 %,
 * rounded up); it keeps the committed bots as standby agents; an agent idle for 30 minutes is deleted.
 */
export class VmssPolicy implements ScalingPolicy {
  readonly name = 'vmss';
  readonly label = 'VMSS-agent-pool-like';
  readonly intervalMs: number;
  readonly timerRestarts = false;
  readonly dispatchOnArrival = true;
  readonly decideBeforeReclaim = false;

  constructor(
    checkMinutes = 5,
    private readonly stepPercent = 25,
    private readonly deleteIdleAfterMs = 30 * MINUTE,
  ) {
    this.intervalMs = checkMinutes * MINUTE;
  }

  wakesOn(_event: WorldEvent): boolean {
    return false;
  }

  /** The bots one scale-out step adds to a pool of this maximum size. */
  step(maxBots: number): number {
    return Math.max(1, Math.ceil((maxBots * this.stepPercent) / 100));
  }

  decide(world: World): void {
    const wants = new Map<SimGroup, number>();
    for (const g of world.groups) {
      const alive = g.alive().length;
      const covering = g.inState('Ready').length + g.inState('Provisioning').length;
      const room = Math.max(0, g.config.maxBots - alive);
      const standby = Math.max(0, g.config.committedBots - alive);
      const out = g.queue.length > covering ? this.step(g.config.maxBots) : 0;
      wants.set(g, Math.min(room, Math.max(out, standby)));
      if (g.queue.length > 0) continue;
      let removable = alive - g.config.committedBots;
      for (const bot of idleLongestFirst(g)) {
        if (removable <= 0 || world.now - bot.since < this.deleteIdleAfterMs) break;
        world.release(bot.id, 'idle-30-min', 'cancel');
        removable -= 1;
      }
    }
    grant(world, wants);
  }
}
