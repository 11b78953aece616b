import { describe, expect, it } from 'vitest';
import { HOUR, MINUTE, holdsSlot, type SimBot } from '../../../simulator/model.js';
import { ProjectPolicy, plannerInput } from '../../../simulator/policies/project.js';
import { World } from '../../../simulator/world.js';
import { aRun, aTrace, burst, EXACT, T0 } from './fixtures.js';
import type { Trace } from '../../../simulator/model.js';

/** Runs a trace event by event, checking after each one what must always hold. */
function run(trace: Trace, policy: ProjectPolicy, check: (world: World) => void = () => undefined): World {
  const world = new World(trace, policy, EXACT, 1, true);
  for (let at = world.clock.peekTime(); at !== undefined && at <= trace.horizon; at = world.clock.peekTime()) {
    const next = world.clock.next();
    if (next === undefined) break;
    world.handle(next.event);
    check(world);
  }
  return world;
}

const alive = (world: World, groupId: string) => world.group(groupId).bots.filter((b: SimBot) => holdsSlot(b.state)).length;

describe("this project's policy", () => {
  it('plans with the real planner: every decision the world made came from a plan', () => {
    const policy = new ProjectPolicy(undefined, { keepPlans: true });
    const world = run(aTrace([{ id: 'g', maxBots: 3, committedBots: 1 }], burst('g', 5, MINUTE, 15)), policy);
    expect(policy.plans.length).toBe(world.counters.decisions);
    const asked = policy.plans.flatMap((p) => p.decisions).filter((d) => d.kind === 'create').reduce((sum, d) => sum + (d.kind === 'create' ? d.count : 0), 0);
    expect(world.counters.botsCreated).toBeGreaterThan(0);
    expect(world.counters.botsCreated).toBeLessThanOrEqual(asked);
    expect(policy.plans.some((p) => p.decisions.some((d) => d.kind === 'create' && d.reason === 'committed'))).toBe(true);
    expect(policy.plans.some((p) => p.decisions.some((d) => d.kind === 'create' && d.reason === 'demand'))).toBe(true);
  });

  it('feeds the planner what planning-round.ts would: bots not Deleted, queue counts, oldest waiting run', () => {
    const world = new World(aTrace([{ id: 'g', maxBots: 3, committedBots: 0 }], burst('g', 2, 0, 15)), new ProjectPolicy(), EXACT, 1, false);
    const [first] = world.runs;
    if (first === undefined) throw new Error('no run');
    // the run arrives: the controller plans (one bot for it) before any bot exists to take it
    world.handle({ kind: 'arrival', run: first });
    const input = plannerInput(world, { botIdleTimeoutSeconds: 900, groupIdleTeardownHours: 3 });
    expect(input.groups[0]).toMatchObject({ id: 'g', maxBots: 3, lastActivityAt: new Date(T0).toISOString(), queued: { high: 0, normal: 1, oldestQueuedAt: new Date(T0).toISOString() } });
    expect(input.groups[0]?.bots.map((b) => b.state)).toEqual(['Provisioning']);
  });

  it('keeps committed bots warm while the group is active, and lets them go once it has been idle 3 hours', () => {
    const trace = aTrace([{ id: 'g', maxBots: 3, committedBots: 2 }], [aRun('r', 'g', 30 * MINUTE, 5)], { hours: 6 });
    const seen: Array<[number, number]> = [];
    run(trace, new ProjectPolicy(), (w) => seen.push([w.now - T0, alive(w, 'g')]));
    const at = (ms: number) => [...seen].reverse().find(([t]) => t <= ms)?.[1];
    expect(at(20 * MINUTE)).toBe(2);
    expect(at(2 * HOUR)).toBe(2);
    // the run started at 30 min (lastRunStartedAt): cold from 3 h 30, released at the next plan
    expect(at(3 * HOUR + 32 * MINUTE)).toBe(0);
  });

  it('never holds more bots than maxBots or the capacity, and never gives a run to two bots', () => {
    const trace = aTrace(
      [
        { id: 'a', maxBots: 3, committedBots: 1 },
        { id: 'b', maxBots: 4, committedBots: 0 },
      ],
      [...burst('a', 12, 0, 12), ...burst('b', 9, 5 * MINUTE, 7), aRun('late', 'b', 2 * HOUR, 3)],
      { capacity: 5 },
    );
    const world = run(trace, new ProjectPolicy(), (w) => {
      expect(alive(w, 'a')).toBeLessThanOrEqual(3);
      expect(alive(w, 'b')).toBeLessThanOrEqual(4);
      expect(w.occupied()).toBeLessThanOrEqual(5);
      const running = w.groups.flatMap((g) => g.bots).filter((b) => b.state === 'Busy').map((b) => b.runId);
      expect(new Set(running).size).toBe(running.length);
    });
    expect(world.runs.every((r) => r.state === 'Succeeded')).toBe(true);
    const starts = world.runs.map((r) => `${r.id}@${r.botId}`);
    expect(new Set(starts).size).toBe(world.runs.length);
  });

  it('dispatches in the product order: High before Normal, then first queued', () => {
    const runs = [aRun('n1', 'g', 0, 10), aRun('n2', 'g', 1_000, 10), aRun('h1', 'g', 2_000, 10, 'High')];
    const world = run(aTrace([{ id: 'g', maxBots: 1, committedBots: 0 }], runs), new ProjectPolicy());
    const order = [...world.runs].sort((x, y) => (x.startedAt ?? 0) - (y.startedAt ?? 0)).map((r) => r.id);
    expect(order).toEqual(['h1', 'n1', 'n2']);
  });

  it('as the bot lifecycle claims today, a backlog keeps its bots from a starved group; planning before the re-claim hands one over', () => {
    const trace = aTrace(
      [
        { id: 'audit', maxBots: 2, committedBots: 0 },
        { id: 'claims', maxBots: 2, committedBots: 0 },
      ],
      [...burst('claims', 12, 0, 20), aRun('audit-1', 'audit', 15 * MINUTE, 5)],
      { capacity: 2, hours: 8 },
    );
    const waitOfAudit = (policy: ProjectPolicy) => {
      const r = run(trace, policy).runs.find((x) => x.id === 'audit-1');
      return ((r?.startedAt ?? Infinity) - (r?.queuedAt ?? 0)) / MINUTE;
    };
    // claims' 12 runs on 2 bots last 2 h after their cold start; audit waits for all of them
    expect(waitOfAudit(new ProjectPolicy())).toBeGreaterThan(100);
    // the planner itself would hand audit the next bot that goes idle (release, teardown, cold start)
    expect(waitOfAudit(new ProjectPolicy(undefined, { planBeforeReclaim: true }))).toBeLessThan(40);
  });
});
