import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planTarget as plan } from '../../../../domain/planner/plan.js';
import type { PlannerInput } from '../../../../domain/planner/planner-input.js';
import { arbContendedInput, arbPlannerInput } from './planner-arbitraries.js';
import { checkPlan } from './planner-invariants.js';

const RUNS = { numRuns: 500 };

function shuffled(input: PlannerInput, seed: number): PlannerInput {
  const rotate = <T>(xs: T[], by: number) => (xs.length === 0 ? xs : [...xs.slice(by % xs.length), ...xs.slice(0, by % xs.length)]);
  return { ...input, groups: rotate(input.groups, seed).map((g, i) => ({ ...g, bots: rotate(g.bots, seed + i).reverse() })) };
}

describe('planner invariants over random environments', () => {
  it('never exceeds maxBots, the parallel limit (trial: 2) or committed + demand, even when already above', () => {
    fc.assert(
      fc.property(fc.oneof(arbPlannerInput, arbContendedInput), (input) => {
        expect(checkPlan(input, plan(input)).limits).toEqual([]);
      }),
      RUNS,
    );
  });

  it('decides only about real bots, in states they may be taken from, for reasons that hold (committed bots never time out); drains one outdated bot at a time per group', () => {
    fc.assert(
      fc.property(fc.oneof(arbPlannerInput, arbContendedInput), (input) => {
        expect(checkPlan(input, plan(input)).shape).toEqual([]);
      }),
      RUNS,
    );
  });

  it('gives every group whose runs wait with no bot its count and reason', () => {
    fc.assert(
      fc.property(fc.oneof(arbPlannerInput, arbContendedInput), (input) => {
        expect(checkPlan(input, plan(input)).unserved).toEqual([]);
      }),
      RUNS,
    );
  });

  it('honours committed bots whenever a slot or an idle bot above someone’s committed is there to take', () => {
    fc.assert(
      fc.property(fc.oneof(arbPlannerInput, arbContendedInput), (input) => {
        expect(checkPlan(input, plan(input)).committed).toEqual([]);
      }),
      RUNS,
    );
  });

  it('starves no group: a group with waiting runs and no bot is served while a slot or a releasable idle bot exists, and before any group gets a second bot', () => {
    fc.assert(
      fc.property(fc.oneof(arbPlannerInput, arbContendedInput), (input) => {
        expect(checkPlan(input, plan(input)).starvation).toEqual([]);
      }),
      RUNS,
    );
  });

  it('hands a busy bot over only to a group starved after the plan, one per group and none for the groups bots already leaving will serve, never below the donor’s committed bots, and never while a free slot or an idle bot it may take is there', () => {
    fc.assert(
      fc.property(fc.oneof(arbPlannerInput, arbContendedInput), (input) => {
        expect(checkPlan(input, plan(input)).handover).toEqual([]);
      }),
      RUNS,
    );
  });

  it('the contended environments do hand busy bots over (the property above is not vacuous)', () => {
    const samples = fc.sample(arbContendedInput, { numRuns: 500, seed: 42 });
    const handovers = samples.filter((input) => plan(input).decisions.some((d) => d.kind === 'release' && d.reason === 'handover'));
    expect(handovers.length).toBeGreaterThan(10);
  });

  it('is deterministic and independent of the order of groups and bots', () => {
    fc.assert(
      fc.property(arbPlannerInput, fc.nat(20), (input, seed) => {
        const p = plan(input);
        expect(plan(structuredClone(input))).toEqual(p);
        expect(plan(shuffled(input, seed))).toEqual(p);
        expect(JSON.parse(JSON.stringify(p))).toEqual(p);
      }),
      RUNS,
    );
  });

  it('is idempotent once applied: nothing more to create when run again on its own result with no change', () => {
    fc.assert(
      fc.property(arbPlannerInput, (input) => {
        const first = plan(input);
        const applied = applyInstantly(input, first);
        const second = plan(applied);
        expect(second.decisions.filter((d) => d.kind === 'create')).toEqual([]);
        // and no second handover for the same starved group
        expect(second.decisions.filter((d) => d.kind === 'release' && d.reason === 'handover')).toEqual([]);
      }),
      RUNS,
    );
  });
});

/**
 * The plan applied at once: released bots gone (a bot handed over keeps running its run, with its release
 * pending), drained idle bots reprovisioning, created bots provisioning.
 */
function applyInstantly(input: PlannerInput, p: ReturnType<typeof plan>): PlannerInput {
  return {
    ...input,
    groups: input.groups.map((g) => {
      const mine = p.decisions.filter((d) => d.groupId === g.id);
      const released = new Set(mine.flatMap((d) => (d.kind === 'release' && d.reason !== 'handover' ? [d.botId] : [])));
      const handedOver = new Set(mine.flatMap((d) => (d.kind === 'release' && d.reason === 'handover' ? [d.botId] : [])));
      const drained = new Set(mine.flatMap((d) => (d.kind === 'drain' ? [d.botId] : [])));
      const created = mine.reduce((n, d) => (d.kind === 'create' ? n + d.count : n), 0);
      const bots = g.bots
        .filter((b) => !released.has(b.id))
        .map((b) => (handedOver.has(b.id) ? { ...b, releaseRequested: true } : b))
        .map((b) =>
          drained.has(b.id)
            ? { ...b, state: b.state === 'Ready' ? ('Provisioning' as const) : ('Draining' as const), imageId: g.imageId, imageVersion: g.imageVersion }
            : b,
        );
      for (let i = 0; i < created; i += 1)
        bots.push({ id: `${g.id}-new${i}`, state: 'Provisioning', imageId: g.imageId, imageVersion: g.imageVersion, since: input.now });
      return { ...g, bots };
    }),
  };
}
