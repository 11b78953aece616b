import { MINUTE } from '../model.js';
import type { ScalingPolicy, WorldEvent } from '../policy.js';
import type { SimGroup } from '../sim-group.js';
import type { World } from '../world.js';
import { committedOf, grant, idleLongestFirst } from './capacity.js';

const DAY = 24 * 60 * MINUTE;
const SLOT = 30 * MINUTE;

export type StandbyMode =
  /** manual standby: `count` idle agents during business hours (weekdays 08:00–18:00 UTC), none otherwise */
  | { kind: 'manual-business-hours'; count: number }
  /** manual standby around the clock */
  | { kind: 'manual-always'; count: number }
  /** automatic standby: the agents the group's history says it needs at this time of day (a quantile) */
  | { kind: 'automatic'; preference: 'cost' | 'balanced' | 'performance' };

const PREFERENCE_QUANTILE = { cost: 0.5, balanced: 0.75, performance: 0.9 } as const;

/**
 * Managed-DevOps-Pools-like, from documentation knowledge (Azure "Managed DevOps Pools": scaling and standby
 * agents): an agent is provisioned when a job is queued and no agent is free (on the event), up to the pool's
 * maximum; standby agents are kept ready: manual standby keeps a configured count on a schedule, automatic standby
 * predicts from the pool's history, with a preference from most cost-effective to most performant; a stateful agent
 * is kept for a grace period after its job, then deleted. Modelled: standby re-evaluated every minute; automatic
 * standby = the `preference` quantile (50 / 75 / 90 %) of the group's peak concurrency (queued + running) in the same
 * 30-minute slot of the last 7 days of the same kind (weekday or weekend); total bots never below the committed ones
 * (project meaning: none once idle 3 hours). Knobs swept: standby mode and count, grace period.
 */
export class ManagedDevOpsPoolsPolicy implements ScalingPolicy {
  readonly name: string;
  readonly label: string;
  readonly intervalMs = MINUTE;
  readonly timerRestarts = false;
  readonly dispatchOnArrival = true;
  readonly decideBeforeReclaim = false;
  /** per group: the peak concurrency seen in each 30-minute slot */
  private readonly peaks = new Map<string, Map<number, number>>();

  constructor(
    private readonly standby: StandbyMode,
    private readonly graceMinutes = 5,
  ) {
    const mode = standby.kind === 'automatic' ? `auto-${standby.preference}` : `${standby.kind === 'manual-always' ? 'always' : 'hours'}${standby.count}`;
    this.name = `mdp-${mode}-grace${graceMinutes}`;
    this.label = standby.kind === 'automatic' ? 'Managed DevOps Pools, automatic standby' : 'Managed DevOps Pools, manual standby';
  }

  get knobs(): string {
    const s = this.standby;
    const mode =
      s.kind === 'automatic'
        ? `automatic standby (${s.preference})`
        : s.kind === 'manual-always'
          ? `${s.count} standby always`
          : `${s.count} standby weekdays 08–18`;
    return `${mode}, grace ${this.graceMinutes} min`;
  }

  wakesOn(event: WorldEvent): boolean {
    return event === 'run-queued';
  }

  private record(g: SimGroup, now: number): void {
    const slot = Math.floor(now / SLOT);
    const peaks = this.peaks.get(g.id) ?? new Map<number, number>();
    this.peaks.set(g.id, peaks);
    peaks.set(slot, Math.max(peaks.get(slot) ?? 0, g.queue.length + g.running()));
  }

  private standbyNow(g: SimGroup, now: number): number {
    const s = this.standby;
    if (s.kind === 'manual-always') return s.count;
    if (s.kind === 'manual-business-hours') {
      const d = new Date(now);
      const weekday = d.getUTCDay() >= 1 && d.getUTCDay() <= 5;
      return weekday && d.getUTCHours() >= 8 && d.getUTCHours() < 18 ? s.count : 0;
    }
    // automatic: what the history says the next slot needs, beyond what runs now
    const peaks = this.peaks.get(g.id);
    if (peaks === undefined) return 0;
    const weekend = (t: number) => [0, 6].includes(new Date(t).getUTCDay());
    const ahead = now + 15 * MINUTE;
    const seen: number[] = [];
    for (let d = 1; d <= 7; d += 1) {
      const at = ahead - d * DAY;
      if (weekend(at) === weekend(ahead)) seen.push(peaks.get(Math.floor(at / SLOT)) ?? 0);
    }
    if (seen.length === 0) return 0;
    seen.sort((a, b) => a - b);
    const q = seen[Math.min(seen.length - 1, Math.ceil(PREFERENCE_QUANTILE[s.preference] * seen.length) - 1)] ?? 0;
    return Math.max(0, q - (g.queue.length + g.running()));
  }

  decide(world: World): void {
    const wants = new Map<SimGroup, number>();
    for (const g of world.groups) {
      this.record(g, world.now);
      const committed = committedOf(world, g);
      const standby = this.standbyNow(g, world.now);
      const alive = g.alive().length;
      const idle = g.inState('Ready').length + g.inState('Provisioning').length;
      const room = Math.max(0, g.config.maxBots - alive);
      wants.set(g, Math.min(room, Math.max(committed - alive, g.queue.length + standby - idle)));
      if (g.queue.length > 0) continue;
      let removable = Math.min(idle - standby, alive - committed);
      for (const bot of idleLongestFirst(g)) {
        if (removable <= 0 || world.now - bot.since < this.graceMinutes * MINUTE) break;
        world.release(bot.id, 'grace-over', 'cancel');
        removable -= 1;
      }
    }
    grant(world, wants);
  }
}
