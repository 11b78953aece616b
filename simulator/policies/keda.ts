import { MINUTE } from '../model.js';
import type { ScalingPolicy, WorldEvent } from '../policy.js';
import type { SimGroup } from '../sim-group.js';
import type { World } from '../world.js';
import { committedOf, grant, idleLongestFirst } from './capacity.js';

/**
 * KEDA-like (the Azure Service Bus scaler on each group's queue, messageCount 1, with the HPA): every polling
 * interval, desired replicas = the messages of the queue (runs queued + runs in progress: a worker holds its message
 * until the run ends), between minReplicaCount and maxReplicaCount (maxBots). minReplicaCount is the group's
 * committed bots, with the project's meaning: none once the group has been idle 3 hours. Scale-out at once to the
 * desired count; scale-in to the highest desired count of the last stabilisation window (the HPA's scale-down
 * stabilisation), not-yet-ready replicas first, then the longest idle; a busy replica is never stopped. Knobs swept:
 * the polling interval and the stabilisation window.
 */
export class KedaPolicy implements ScalingPolicy {
  readonly name: string;
  readonly label = 'KEDA-like';
  readonly intervalMs: number;
  readonly timerRestarts = false;
  readonly dispatchOnArrival = true;
  readonly decideBeforeReclaim = false;
  private readonly history = new Map<string, Array<{ t: number; desired: number }>>();

  constructor(
    private readonly pollingSeconds = 30,
    private readonly stabilisationMs = 5 * MINUTE,
  ) {
    this.intervalMs = pollingSeconds * 1000;
    this.name = `keda-poll${pollingSeconds}s-stab${stabilisationMs / MINUTE}m`;
  }

  get knobs(): string {
    return `poll ${this.pollingSeconds} s, stabilisation ${this.stabilisationMs / MINUTE} min`;
  }

  wakesOn(_event: WorldEvent): boolean {
    return false;
  }

  /** The replica count the scaler asks for now: one per message. */
  static desired(g: SimGroup, committed = g.config.committedBots): number {
    return Math.min(g.config.maxBots, Math.max(committed, g.queue.length + g.running()));
  }

  decide(world: World): void {
    const wants = new Map<SimGroup, number>();
    for (const g of world.groups) {
      const desired = KedaPolicy.desired(g, committedOf(world, g));
      const past = (this.history.get(g.id) ?? []).filter((h) => h.t > world.now - this.stabilisationMs);
      past.push({ t: world.now, desired });
      this.history.set(g.id, past);
      const alive = g.alive().length;
      if (desired > alive) {
        wants.set(g, desired - alive);
        continue;
      }
      const floor = Math.max(...past.map((h) => h.desired));
      let excess = alive - floor;
      const provisioning = g.inState('Provisioning').sort((a, b) => b.createdAt - a.createdAt);
      for (const bot of [...provisioning, ...idleLongestFirst(g)]) {
        if (excess <= 0) break;
        world.release(bot.id, 'scale-in', 'cancel');
        excess -= 1;
      }
    }
    grant(world, wants);
  }
}
