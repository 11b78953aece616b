import { describe, expect, it } from 'vitest';
import { simulate } from '../../../simulator/engine.js';
import { estimateError } from '../../../simulator/metrics.js';
import { DEFAULT_PLATFORM } from '../../../simulator/model.js';
import { ProjectPolicy, PROJECT_DEFAULTS } from '../../../simulator/policies/project.js';
import { steadyTrickle } from '../../../simulator/traces.js';

describe('the expected start in the simulator (the queue view’s queueEstimates)', () => {
  it('records one estimate per run when it is queued, never before its queueing, and scores it', () => {
    const world = simulate(steadyTrickle(1), new ProjectPolicy(PROJECT_DEFAULTS, { estimate: true }), DEFAULT_PLATFORM, 1);
    const estimated = world.runs.filter((r) => r.expectedStartAt !== undefined);
    expect(estimated.length).toBeGreaterThan(world.runs.length * 0.9);
    for (const r of estimated) expect(r.expectedStartAt ?? 0).toBeGreaterThanOrEqual(r.queuedAt);
    const error = estimateError(world.runs);
    expect(error?.runs).toBeGreaterThan(10);
    expect(error?.medianRelative).toBeLessThan(1);
  });

  it('is deterministic: the same seed gives the same estimates', () => {
    const run = () =>
      simulate(steadyTrickle(2), new ProjectPolicy(PROJECT_DEFAULTS, { estimate: true }), DEFAULT_PLATFORM, 2).runs.map((r) => r.expectedStartAt);
    expect(run()).toEqual(run());
  });
});
