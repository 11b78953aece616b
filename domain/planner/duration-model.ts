/**
 * A learned duration (a desktop flow's run, minutes) as a log-normal fitted to its recent samples: the durations are
 * heavy-tailed, and 20 samples of a heavy tail give a mean too noisy for a queue of many runs (the log-normal's mean
 * from the same samples is far steadier). Quantiles, and quantiles given that the run has already gone on for a
 * while. With fewer than MIN_FIT samples, or all alike, the samples' own quantiles. Pure. docs/scaling.md, "Expected start".
 */
export interface DurationModel {
  /** the q-quantile, minutes */
  quantile(q: number): number;
  /** the q-quantile of the remaining time of a run that has run `elapsed` minutes */
  remaining(elapsed: number, q: number): number;
}

const MIN_FIT = 5;

/** Φ, the standard normal CDF (Abramowitz and Stegun 7.1.26, error < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.327_591_1 * x);
  const erf = 1 - ((((1.061_405_429 * t - 1.453_152_027) * t + 1.421_413_741) * t - 0.284_496_736) * t + 0.254_829_592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** Φ⁻¹ (Acklam's rational approximation, relative error < 1.2e-9), q clamped into (0, 1). */
export function normalQuantile(q: number): number {
  const p = Math.min(1 - 1e-12, Math.max(1e-12, q));
  const a = [-39.696_830_286_653_76, 220.946_098_424_520_5, -275.928_510_446_968_7, 138.357_751_867_269, -30.664_798_066_147_16, 2.506_628_277_459_239];
  const b = [-54.476_098_798_224_06, 161.585_836_858_040_9, -155.698_979_859_886_6, 66.801_311_887_719_72, -13.280_681_552_885_72];
  const c = [
    -0.007_784_894_002_430_293, -0.322_396_458_041_136_5, -2.400_758_277_161_838, -2.549_732_539_343_734, 4.374_664_141_464_968, 2.938_163_982_698_783,
  ];
  const d = [0.007_784_695_709_041_462, 0.322_467_129_070_039_8, 2.445_134_137_142_996, 3.754_408_661_907_416];
  const [a0, a1, a2, a3, a4, a5] = a as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = b as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = c as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = d as [number, number, number, number];
  const tail = (r: number) => (((((c0 * r + c1) * r + c2) * r + c3) * r + c4) * r + c5) / ((((d0 * r + d1) * r + d2) * r + d3) * r + 1);
  if (p < 0.024_25) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.024_25) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const r = p - 0.5;
  const s = r * r;
  return ((((((a0 * s + a1) * s + a2) * s + a3) * s + a4) * s + a5) * r) / (((((b0 * s + b1) * s + b2) * s + b3) * s + b4) * s + 1);
}

function empirical(samples: readonly number[]): DurationModel {
  const sorted = samples.map((v) => Math.max(0, v)).sort((a, b) => a - b);
  const at = (list: readonly number[], q: number) => list[Math.min(list.length - 1, Math.max(0, Math.floor(q * list.length)))] ?? 0;
  return {
    quantile: (q) => at(sorted, q),
    remaining(elapsed, q) {
      const longer = sorted.filter((v) => v > elapsed);
      // past every learned duration: half of what it has run so far (the longer it has run, the longer it goes on)
      return longer.length === 0 ? elapsed / 2 : at(longer, q) - elapsed;
    },
  };
}

export function durationModel(samples: readonly number[]): DurationModel {
  const logs = samples.filter((v) => v > 0).map(Math.log);
  if (logs.length < MIN_FIT) return empirical(samples);
  const mu = logs.reduce((a, b) => a + b, 0) / logs.length;
  const sigma = Math.sqrt(logs.reduce((a, b) => a + (b - mu) ** 2, 0) / (logs.length - 1));
  if (!(sigma > 1e-9)) return empirical(samples);
  return {
    quantile: (q) => Math.exp(mu + sigma * normalQuantile(q)),
    remaining(elapsed, q) {
      const done = elapsed > 0 ? normalCdf((Math.log(elapsed) - mu) / sigma) : 0;
      if (done > 1 - 1e-9) return elapsed / 2;
      return Math.max(0, Math.exp(mu + sigma * normalQuantile(done + q * (1 - done))) - elapsed);
    },
  };
}

function logStats(samples: readonly number[]): { n: number; mu: number; sigma: number } {
  const logs = samples.filter((v) => v > 0).map(Math.log);
  const mu = logs.reduce((a, b) => a + b, 0) / Math.max(1, logs.length);
  const sigma = logs.length < 2 ? 0 : Math.sqrt(logs.reduce((a, b) => a + (b - mu) ** 2, 0) / (logs.length - 1));
  return { n: logs.length, mu, sigma };
}

/**
 * The samples to learn a flow's durations from: the group's (a longer window) when the flow's own are no different
 * from them (their log-mean within SAME_FLOW_ERRORS standard errors of the group's), else the flow's own. The group of one flow
 * (most are) gets the longer window; a group whose flows differ keeps them apart.
 */
/** measured on the simulator's production-scale traces: 2 split single-flow groups too often (docs/scaling.md) */
const SAME_FLOW_ERRORS = 3;

export function samplesFor(flow: readonly number[] | undefined, group: readonly number[]): readonly number[] {
  if (flow === undefined || flow.length === 0) return group;
  if (group.length <= flow.length) return flow;
  const f = logStats(flow);
  const g = logStats(group);
  if (f.n < 2 || g.n < 2) return flow;
  return Math.abs(f.mu - g.mu) <= (SAME_FLOW_ERRORS * g.sigma) / Math.sqrt(f.n) ? group : flow;
}
