import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plan } from '../../../../domain/planner/plan.js';
import { OCCUPYING_STATES, type PlannerInput } from '../../../../domain/planner/planner-input.js';
import { arbContendedInput, arbPlannerInput } from './planner-arbitraries.js';

/** Random environments whose groups carry a random outlook and service level: the limits and the reasons still hold. */
const arbOutlook = fc.record({
  provisionMinutes: fc.double({ min: 0, max: 40, noNaN: true }),
  runMinutes: fc.double({ min: 0, max: 120, noNaN: true }),
  expectedArrivals: fc.double({ min: 0, max: 60, noNaN: true }),
});
const arbServiceLevel = fc.record(
  { targetWaitMinutes: fc.integer({ min: 1, max: 60 }), minUtilization: fc.double({ min: 0, max: 1, noNaN: true }) },
  { requiredKeys: [] },
);

const arbLearnedInput: fc.Arbitrary<PlannerInput> = fc
  .tuple(
    fc.oneof(arbPlannerInput, arbContendedInput),
    fc.array(fc.option(arbOutlook), { minLength: 12, maxLength: 12 }),
    fc.array(fc.option(arbServiceLevel), { minLength: 12, maxLength: 12 }),
    fc.constantFrom(0, 0.5, 0.9),
  )
  .map(([input, outlooks, levels, warmQuantile]) => ({
    ...input,
    settings: { ...input.settings, warmQuantile },
    groups: input.groups.map((g, i) => {
      const outlook = outlooks[i % outlooks.length];
      const level = levels[i % levels.length];
      return {
        ...g,
        ...(outlook === null || outlook === undefined ? {} : { outlook }),
        ...(level === null || level === undefined ? {} : { serviceLevel: level }),
      };
    }),
  }));

const holding = (input: PlannerInput) => input.groups.reduce((n, g) => n + g.bots.filter((b) => OCCUPYING_STATES.includes(b.state)).length, 0);

describe('the planner with an outlook, over random environments', () => {
  it('never creates above maxBots or the parallel limit; warm bots only when no run of any group waits unserved for want of a slot', () => {
    fc.assert(
      fc.property(arbLearnedInput, (input) => {
        const result = plan(input);
        const free = Math.max(0, result.limit - holding(input) + result.decisions.filter((d) => d.kind === 'release' && d.reason !== 'handover').length);
        expect(result.totals.created).toBeLessThanOrEqual(free);
        for (const g of result.groups) if (g.created > 0) expect(g.after).toBeLessThanOrEqual(g.maxBots);
        const warm = result.decisions.some((d) => d.kind === 'create' && d.reason === 'warm');
        if (warm) expect(result.unserved.filter((u) => u.reason === 'environment-capacity-exhausted')).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('releases a busy bot only when its group is deleted or for a handover; never a committed bot for idleness', () => {
    fc.assert(
      fc.property(arbLearnedInput, (input) => {
        const result = plan(input);
        for (const d of result.decisions) {
          if (d.kind !== 'release') continue;
          const group = input.groups.find((g) => g.id === d.groupId);
          const bot = group?.bots.find((b) => b.id === d.botId);
          if (bot?.state === 'Busy') expect(['group-deleted', 'handover']).toContain(d.reason);
        }
        for (const g of result.groups) {
          const timedOut = result.decisions.filter((d) => d.kind === 'release' && d.groupId === g.groupId && d.reason === 'idle-timeout').length;
          // the idle rule alone never takes a group below its committed bots (the over-limit rule may: docs/scaling.md, rule 5)
          if (timedOut > 0) expect(g.before - timedOut).toBeGreaterThanOrEqual(Math.min(g.committedBots, g.maxBots, g.before));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('is deterministic and plain JSON', () => {
    fc.assert(
      fc.property(arbLearnedInput, (input) => {
        const result = plan(input);
        expect(plan(structuredClone(input))).toEqual(result);
        expect(JSON.parse(JSON.stringify(result))).toEqual(result);
      }),
      { numRuns: 200 },
    );
  });
});
