import { describe, expect, it } from 'vitest';
import { durationModel, normalCdf, normalQuantile, samplesFor } from '../../../../domain/planner/duration-model.js';

/** Log-normal samples at evenly spaced quantiles: median `median`, log-sd `sigma`. */
const logNormalSamples = (n: number, median: number, sigma: number) =>
  Array.from({ length: n }, (_, i) => median * Math.exp(sigma * normalQuantile((i + 0.5) / n)));

describe('learned durations (log-normal fit)', () => {
  it('Φ and Φ⁻¹ invert each other', () => {
    for (const q of [0.001, 0.02, 0.2, 0.5, 0.8, 0.98, 0.999]) expect(normalCdf(normalQuantile(q))).toBeCloseTo(q, 6);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959_964, 5);
  });

  it('fits the median and the spread of heavy-tailed samples', () => {
    const model = durationModel(logNormalSamples(20, 10, 1));
    expect(model.quantile(0.5)).toBeCloseTo(10, 6);
    expect(model.quantile(0.9) / model.quantile(0.5)).toBeGreaterThan(3);
  });

  it('a run that has gone on long is expected to go on longer (heavy tail)', () => {
    const model = durationModel(logNormalSamples(20, 10, 1));
    expect(model.remaining(0, 0.5)).toBeCloseTo(10, 6);
    expect(model.remaining(30, 0.5)).toBeGreaterThan(model.remaining(10, 0.5));
    expect(model.remaining(10, 0.5)).toBeGreaterThan(0);
  });

  it('with few or identical samples, their own quantiles; past every one, half of what it has run', () => {
    expect(durationModel([4]).quantile(0.9)).toBe(4);
    expect(durationModel([4]).remaining(1, 0.5)).toBe(3);
    expect(durationModel([4]).remaining(8, 0.5)).toBe(4);
    expect(durationModel([5, 5, 5, 5, 5, 5]).quantile(0.1)).toBe(5);
  });

  it('learns a flow from the group’s longer window when the flow is no different, else from its own runs', () => {
    const group = logNormalSamples(50, 10, 1);
    const same = logNormalSamples(20, 10.5, 1);
    const slow = logNormalSamples(20, 60, 1);
    expect(samplesFor(same, group)).toBe(group);
    expect(samplesFor(slow, group)).toBe(slow);
    expect(samplesFor(undefined, group)).toBe(group);
    expect(samplesFor([2], [10])).toEqual([2]);
  });
});
