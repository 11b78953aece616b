/**
 * Seeded randomness for the simulator (no Math.random): mulberry32 streams, each derived from a seed and a
 * label, so the n-th bot of a group draws the same provisioning delay whichever policy created it (common
 * random numbers: policies are compared on the same luck).
 */
export interface Rng {
  /** uniform in [0, 1) */
  next(): number;
}

/** FNV-1a of a label, mixed with the seed: a 32-bit stream id. */
function hash(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < label.length; i += 1) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function rngOf(seed: number, label = ''): Rng {
  let state = hash(seed, label);
  return {
    next() {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    },
  };
}

export function uniform(rng: Rng, min: number, max: number): number {
  return min + (max - min) * rng.next();
}

/** Exponential with the given mean (inter-arrival times of a Poisson process). */
export function exponential(rng: Rng, mean: number): number {
  return -mean * Math.log(1 - rng.next());
}

/** Log-normal with the given median and shape sigma (run durations: most short, a few long). */
export function logNormal(rng: Rng, median: number, sigma: number): number {
  // Box–Muller
  const u1 = 1 - rng.next();
  const u2 = rng.next();
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return median * Math.exp(sigma * z);
}
