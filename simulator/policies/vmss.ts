import { MINUTE } from '../model.js';
import type { ScalingPolicy, WorldEvent } from '../policy.js';
import type { SimGroup } from '../sim-group.js';
import type { World } from '../world.js';
import { committedOf, grant, GROUP_COLD_MS, idleLongestFirst, lastActivity } from './capacity.js';

/**
 * VMSS-agent-pool-like: an Azure DevOps scale set agent pool per group, from documentation knowledge (Azure
 * Pipelines "Azure Virtual Machine Scale Set agents"): the service samples the pool every 5 minutes; it scales out
 * when idle agents fall below the standby count, or when jobs wait and no agent is idle, by a step of a percentage of
 * the pool's maximum (the docs say "a certain percentage"; 25 %, rounded up, is this model's assumption); it deletes
 * agents idle longer than "delay in minutes before deleting excess idle agents" (default 30), keeping the standby
 * agents. Standby = `extraStandby` idle agents (none once the group has been idle 3 hours), and never fewer bots in all than the group's committed ones (the project's meaning). Knobs
 * swept: the idle delay and the extra standby agents; the 5-minute check is the service's, not a knob.
 */
export class VmssPolicy implements ScalingPolicy {
  readonly name: string;
  readonly label = 'VMSS-agent-pool-like';
  readonly intervalMs: number;
  readonly timerRestarts = false;
  readonly dispatchOnArrival = true;
  readonly decideBeforeReclaim = false;

  constructor(
    checkMinutes = 5,
    private readonly stepPercent = 25,
    private readonly deleteIdleAfterMs = 30 * MINUTE,
    private readonly extraStandby = 0,
  ) {
    this.intervalMs = checkMinutes * MINUTE;
    this.name = `vmss-idle${deleteIdleAfterMs / MINUTE}m-standby${extraStandby}`;
  }

  get knobs(): string {
    return `delete idle after ${this.deleteIdleAfterMs / MINUTE} min, standby committed + ${this.extraStandby}`;
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
      const committed = committedOf(world, g);
      const cold = committed === 0 && g.queue.length + g.running() === 0 && world.now - lastActivity(g) >= GROUP_COLD_MS;
      const standby = cold ? 0 : this.extraStandby;
      const alive = g.alive().length;
      const idle = g.inState('Ready').length + g.inState('Provisioning').length;
      const room = Math.max(0, g.config.maxBots - alive);
      const out = g.queue.length > idle ? this.step(g.config.maxBots) : 0;
      const below = Math.max(committed - alive, standby - Math.max(0, idle - g.queue.length));
      wants.set(g, Math.min(room, Math.max(out, below)));
      if (g.queue.length > 0) continue;
      // the bots kept: the standby idle agents, and never fewer than the committed bots in all
      let removable = Math.min(idle - standby, alive - committed);
      for (const bot of idleLongestFirst(g)) {
        if (removable <= 0 || world.now - bot.since < this.deleteIdleAfterMs) break;
        world.release(bot.id, 'idle-delete', 'cancel');
        removable -= 1;
      }
    }
    grant(world, wants);
  }
}
