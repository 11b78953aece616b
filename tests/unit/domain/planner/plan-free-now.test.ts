import { describe, expect, it } from 'vitest';
import { plan, planTarget } from '../../../../domain/planner/plan.js';
import { aGroup, anEnvironment } from './builders.js';

/** plan() cuts the creates to the slots free now; planTarget() is where the environment goes once releases are done. */
describe('plan: new bots only in slots free now', () => {
  const created = (p: ReturnType<typeof plan>) => p.decisions.reduce((n, d) => (d.kind === 'create' ? n + d.count : n), 0);

  it('creates no bot for a slot an idle release frees in the same plan, and says so in the group plan and totals', () => {
    const input = anEnvironment()
      .withCapacity(4)
      .withGroups(
        aGroup('claims')
          .withBusy(3)
          .withReady(1, 20 * 60),
        aGroup('audit').withQueued(1),
      )
      .build();
    expect(created(planTarget(input))).toBe(1);
    const p = plan(input);
    expect(created(p)).toBe(0);
    expect(p.groups.find((g) => g.groupId === 'audit')?.created).toBe(0);
    expect(p.totals.created).toBe(0);
    expect(p.unserved.map((u) => u.groupId)).toContain('audit');
  });

  it('is the target plan when the slots are free', () => {
    const input = anEnvironment().withCapacity(10).withGroups(aGroup('claims').withQueued(3), aGroup('audit').withQueued(2)).build();
    expect(plan(input)).toEqual(planTarget(input));
  });

  it('never creates more than the free slots, in the order the creates are listed', () => {
    const input = anEnvironment().withCapacity(5).withGroups(aGroup('a').withBusy(2).withQueued(4), aGroup('b').withQueued(4)).build();
    const p = plan(input);
    expect(created(p)).toBeLessThanOrEqual(3);
    expect(p.totals.after).toBeLessThanOrEqual(5);
  });
});

describe('plan: the capacity schedule in the reasons', () => {
  it('says when a window of the schedule raised the committed bots', () => {
    const input = anEnvironment().withCapacity(10).withGroups(aGroup('finance').withCommitted(1)).build();
    const finance = input.groups[0];
    if (finance === undefined) throw new Error('no group');
    finance.capacitySchedule = [
      { from: new Date(Date.parse(input.now) - 3_600_000).toISOString(), to: new Date(Date.parse(input.now) + 3_600_000).toISOString(), committedBots: 3 },
    ];
    const [create] = plan(input).decisions;
    expect(create).toMatchObject({ kind: 'create', reason: 'committed', count: 3, message: expect.stringContaining('capacity schedule') });
    finance.capacitySchedule = [];
    expect(plan(input).decisions[0]?.message).not.toContain('capacity schedule');
  });
});

/** Counterexamples the property tests found (fast-check seeds 679161742 and 1855551181), kept as plain examples. */
describe('plan: who gets the slots when there are fewer than the plan wants', () => {
  it('gives the one free slot to a waiting run before a warm spare of another group', () => {
    const input = anEnvironment()
      .withCapacity(2)
      .withSettings({ warmQuantile: 0.5 })
      .withGroups(aGroup('a-expects-runs'), aGroup('b-waits').withMaxBots(1).withQueued(1), aGroup('c-gone').deleted().withProvisioning(1))
      .build();
    const a = input.groups[0];
    if (a === undefined) throw new Error('no group');
    a.outlook = { provisionMinutes: 0, runMinutes: 0, expectedArrivals: 2 };
    const p = plan(input);
    expect(p.decisions.filter((d) => d.kind === 'create')).toEqual([expect.objectContaining({ groupId: 'b-waits', reason: 'demand', count: 1 })]);
    expect(p.unserved).toEqual([]);
  });

  it('gives the free slots to the oldest waiting runs first', () => {
    const input = anEnvironment()
      .withCapacity(2)
      .withGroups(aGroup('a-young').withQueued(1, 10), aGroup('b-old').withQueued(1, 600), aGroup('c-gone').deleted().withProvisioning(1))
      .build();
    expect(plan(input).decisions.filter((d) => d.kind === 'create')).toEqual([expect.objectContaining({ groupId: 'b-old', count: 1 })]);
  });

  it('above the parallel limit, releases the idle bot of the group whose run waited least, and takes no other bot for it', () => {
    const input = anEnvironment()
      .withCapacity(1)
      .withGroups(aGroup('a-old').withReady(1, 30).withQueued(1, 6000), aGroup('b-young').withReady(1, 30).withQueued(1, 0))
      .build();
    const p = planTarget(input);
    expect(p.decisions).toEqual([expect.objectContaining({ kind: 'release', groupId: 'b-young', reason: 'over-limit' })]);
  });
});
