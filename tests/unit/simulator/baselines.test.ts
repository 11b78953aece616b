import { describe, expect, it } from 'vitest';
import { simulate } from '../../../simulator/engine.js';
import { HOUR, MINUTE } from '../../../simulator/model.js';
import { KedaPolicy } from '../../../simulator/policies/keda.js';
import { PowerAutomatePolicy } from '../../../simulator/policies/power-automate.js';
import { VmssPolicy } from '../../../simulator/policies/vmss.js';
import { ManagedDevOpsPoolsPolicy } from '../../../simulator/policies/managed-devops-pools.js';
import { aRun, aTrace, burst, EXACT, T0 } from './fixtures.js';

const createdAt = (world: ReturnType<typeof simulate>) => world.allBots.map((b) => b.createdAt - T0);

describe('KEDA-like', () => {
  it('polls every 30 s and asks for one replica per message', () => {
    const world = simulate(aTrace([{ id: 'g', maxBots: 10, committedBots: 0 }], burst('g', 5, 10_000, 30)), new KedaPolicy(), EXACT, 1);
    // the runs arrive at 10 s; the next poll is at 30 s: five replicas, one per message, at once
    expect(createdAt(world)).toEqual([30_000, 30_000, 30_000, 30_000, 30_000]);
  });

  it('never goes above maxReplicaCount (maxBots), and scales in once the stabilisation window has passed', () => {
    const world = simulate(aTrace([{ id: 'g', maxBots: 3, committedBots: 0 }], burst('g', 6, 0, 5)), new KedaPolicy(), EXACT, 1, { keepSeries: true });
    expect(Math.max(...world.recorder.series.map((p) => p.bots))).toBe(3);
    // two rounds of 5-minute runs after a 10-minute start: done at 20 min; gone within 5 min + a poll + teardown
    const gone = world.recorder.series.find((p) => p.t > T0 && p.bots === 0);
    expect(gone).toBeDefined();
    // no scale-in before the stabilisation window has passed since the last poll that saw the runs (19 min 30 s)
    expect((gone?.t ?? 0) - T0).toBeGreaterThanOrEqual(20 * MINUTE - 30_000 + 5 * MINUTE);
    expect((gone?.t ?? 0) - T0).toBeLessThanOrEqual(20 * MINUTE + 5 * MINUTE + 30_000 + MINUTE);
  });
});

describe('VMSS-agent-pool-like', () => {
  it('checks every 5 minutes and grows in steps of 25 % of its maximum', () => {
    const world = simulate(aTrace([{ id: 'g', maxBots: 20, committedBots: 0 }], burst('g', 12, 1_000, 60)), new VmssPolicy(), EXACT, 1);
    const byCheck = new Map<number, number>();
    for (const t of createdAt(world)) byCheck.set(t, (byCheck.get(t) ?? 0) + 1);
    // 12 runs wait: at 5 min +5 (step), at 10 min +5 (5 provisioning < 12 waiting), at 15 min: the first five are busy, 7 wait, 5 provisioning → +5
    expect([...byCheck.entries()].slice(0, 2)).toEqual([
      [5 * MINUTE, 5],
      [10 * MINUTE, 5],
    ]);
  });

  it('deletes an agent once idle for 30 minutes (checked every 5)', () => {
    const world = simulate(aTrace([{ id: 'g', maxBots: 4, committedBots: 0 }], [aRun('r', 'g', 0, 5)]), new VmssPolicy(), EXACT, 1, { keepSeries: true });
    // the run is there at the first check (0 min): created then, ready at 10, idle at 15, deleted at the first check 30 min later (45 min)
    const bot = world.allBots[0];
    expect(bot?.state).toBe('Deleted');
    const gone = world.recorder.series.find((p) => p.t > T0 + 15 * MINUTE && p.bots === 0);
    expect((gone?.t ?? 0) - T0).toBe(45 * MINUTE);
  });

  it('steps are a percentage of the maximum, rounded up, at least one', () => {
    const vmss = new VmssPolicy();
    expect([vmss.step(1), vmss.step(4), vmss.step(10), vmss.step(20), vmss.step(50)]).toEqual([1, 1, 3, 5, 13]);
  });
});

describe('Power-Automate-like', () => {
  it('creates a bot per waiting run at once, up to maxBots', () => {
    const world = simulate(aTrace([{ id: 'g', maxBots: 4, committedBots: 0 }], burst('g', 6, 1_000, 20)), new PowerAutomatePolicy(), EXACT, 1);
    expect(createdAt(world)).toEqual([1_000, 1_000, 1_000, 1_000]);
  });

  it('scales in an available bot once idle for its idle time (swept; 15 min here), so a run 2 h later waits for a cold start', () => {
    const runs = [aRun('a', 'g', 0, 5), aRun('b', 'g', 0, 5), aRun('c', 'g', 2 * HOUR, 5)];
    const world = simulate(aTrace([{ id: 'g', maxBots: 4, committedBots: 0 }], runs, { hours: 8 }), new PowerAutomatePolicy(15), EXACT, 1, {
      keepSeries: true,
    });
    // a and b: two bots, ready at 10 min, idle at 15, scaled in at 30 (the minute's check), torn down a minute later
    const gone = world.recorder.series.find((p) => p.t > T0 && p.bots === 0);
    expect((gone?.t ?? 0) - T0).toBe(30 * MINUTE);
    expect(world.allBots).toHaveLength(3);
    expect(world.runs.find((r) => r.id === 'c')?.startedAt).toBe(T0 + 2 * HOUR + 10 * MINUTE);
  });

  it("keeps committed bots while the group works, and none once it has been idle 3 hours (the project's rule)", () => {
    const world = simulate(aTrace([{ id: 'g', maxBots: 4, committedBots: 1 }], [aRun('a', 'g', 0, 5)], { hours: 8 }), new PowerAutomatePolicy(0), EXACT, 1, {
      keepSeries: true,
    });
    const last = world.recorder.series[world.recorder.series.length - 1];
    expect(last?.bots).toBe(0);
    const gone = world.recorder.series.find((p) => p.t > T0 + 15 * MINUTE && p.bots === 0);
    // a ended at 15 min: cold at 3 h 15 (checked every minute)
    expect((gone?.t ?? 0) - (T0 + 15 * MINUTE + 3 * HOUR)).toBeLessThanOrEqual(MINUTE);
  });
});

describe('Managed-DevOps-Pools-like', () => {
  it('manual standby keeps idle agents during business hours, none outside them', () => {
    const trace = aTrace([{ id: 'g', maxBots: 10, committedBots: 0 }], [aRun('a', 'g', 0, 5)], { hours: 12 });
    const world = simulate(trace, new ManagedDevOpsPoolsPolicy({ kind: 'manual-business-hours', count: 2 }, 5), EXACT, 1, { keepSeries: true });
    // T0 is 08:00 UTC on a Monday: two standby agents from the start; none after 18:00
    const at = (h: number) => [...world.recorder.series].reverse().find((p) => p.t <= T0 + h * HOUR)?.bots;
    expect(at(1)).toBe(2);
    expect(at(11)).toBe(0);
  });

  it('automatic standby warms what the same slot needed on earlier days', () => {
    const day = 24 * HOUR;
    const runs = [0, 1, 2].flatMap((d) => burst('g', 6, d * day + 2 * HOUR, 10).map((r) => ({ ...r, id: `${r.id}-${d}` })));
    const trace = aTrace([{ id: 'g', maxBots: 10, committedBots: 0 }], runs, { hours: 72 });
    const world = simulate(trace, new ManagedDevOpsPoolsPolicy({ kind: 'automatic', preference: 'performance' }, 5), EXACT, 1);
    const waits = (d: number) => world.runs.filter((r) => r.id.endsWith(`-${d}`)).map((r) => (r.startedAt ?? 0) - r.queuedAt);
    // the first day waits for cold starts; later days find standby agents warmed before the burst
    expect(Math.max(...waits(0))).toBeGreaterThanOrEqual(10 * MINUTE);
    expect(Math.max(...waits(2))).toBeLessThan(MINUTE);
  });
});
