import { describe, expect, it } from 'vitest';
import { simulate } from '../../../simulator/engine.js';
import { score } from '../../../simulator/metrics.js';
import { DEFAULT_PLATFORM } from '../../../simulator/model.js';
import { policyVariants } from '../../../simulator/policies/index.js';
import type { ScalingPolicy } from '../../../simulator/policy.js';
import { rngOf } from '../../../simulator/rng.js';
import { competingGroups, dailySlaBatch, steadyTrickle, TRACES } from '../../../simulator/traces.js';

describe('determinism', () => {
  it('a seed gives the same random stream; another seed another', () => {
    const draw = (seed: number) =>
      Array.from(
        { length: 5 },
        (
          (r) => () =>
            r.next()
        )(rngOf(seed, 'x')),
      );
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
  });

  it('a trace is a function of its seed', () => {
    expect(steadyTrickle(3)).toEqual(steadyTrickle(3));
    expect(steadyTrickle(3).runs).not.toEqual(steadyTrickle(4).runs);
  });

  it('a production-scale trace is a function of its seed, and has its documented shape', () => {
    const a = TRACES['production-week'](2);
    expect(TRACES['production-week'](2)).toEqual(a);
    expect(a.groups).toHaveLength(10);
    expect(a.capacity).toBe(150);
    expect(a.groups.every((g) => g.maxBots === 50)).toBe(true);
    expect(a.runs.length).toBeGreaterThan(3000);
    expect(a.outages?.length ?? 0).toBeGreaterThan(0);
    expect(TRACES['production-holdout'](2).heldOut).toBe(true);
  });

  it.each(policyVariants().map((v) => [v.name, v.make] as const))('%s: the same trace and seed give the same scores and series', (_name, make) => {
    const once = simulate(competingGroups(2), make(), DEFAULT_PLATFORM, 2, { keepSeries: true });
    const again = simulate(competingGroups(2), make(), DEFAULT_PLATFORM, 2, { keepSeries: true });
    expect(score(again)).toEqual(score(once));
    expect(again.recorder.series).toEqual(once.recorder.series);
  });

  it('the n-th bot of a group has the same provisioning luck under every policy (common random numbers)', () => {
    const readyAfter = (make: () => ScalingPolicy) => {
      const world = simulate(dailySlaBatch(1), make(), DEFAULT_PLATFORM, 1);
      const first = world.allBots.find((b) => b.ordinal === 0);
      const run = world.runs.find((r) => r.botId === first?.id);
      return run?.startedAt !== undefined && first !== undefined ? run.startedAt - first.createdAt : undefined;
    };
    const variants = policyVariants();
    const project = variants.find((v) => v.name === 'project')?.make;
    const powerAutomate = variants.find((v) => v.family === 'power-automate')?.make;
    if (project === undefined || powerAutomate === undefined) throw new Error('policies missing');
    expect(readyAfter(project)).toBeDefined();
    expect(readyAfter(project)).toBe(readyAfter(powerAutomate));
  });
});
