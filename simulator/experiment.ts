import { simulate } from './engine.js';
import { score, type Score } from './metrics.js';
import type { PlatformSettings, Trace } from './model.js';
import { policyVariants, type PolicyVariant } from './policies/index.js';
import { PROJECT_DEFAULTS, type ProjectSettings } from './policies/project.js';
import type { ChartPanel, ChartSpec } from './svg-chart.js';
import { TRACES, type TraceName } from './traces.js';

/**
 * Every trace × every policy setting × every seed: the same trace (same runs) and the same seed (same provisioning
 * luck) for every policy. Keeps the scores, and the series of the first seed of a few settings for the timelines.
 */
export interface PolicyOutcome {
  name: string;
  label: string;
  family: string;
  familyLabel: string;
  knobs: string;
  scores: Score[];
}

export interface TraceOutcome {
  name: TraceName;
  description: string;
  sla: string;
  heldOut: boolean;
  seeds: number[];
  parameters?: Record<string, unknown>;
  serviceLevels: Record<string, { targetWaitMinutes?: number; minUtilization?: number }>;
  policies: PolicyOutcome[];
  chart: ChartSpec;
}

export interface ExperimentOptions {
  traces: readonly TraceName[];
  seeds: readonly number[];
  /** seeds for the production-scale traces (they take longer) */
  productionSeeds?: readonly number[];
  platform: PlatformSettings;
  project?: ProjectSettings;
  progress?: (line: string) => void;
}

/** The settings whose seed-1 timeline is drawn: the project's two and each baseline's documented default. */
export const TIMELINE = [
  'project',
  'project-fixed',
  'power-automate-idle15',
  'keda-poll30s-stab5m',
  'vmss-idle30m-standby0',
  'mdp-hours2-grace5',
  'mdp-auto-balanced-grace5',
];

function runVariant(
  variant: PolicyVariant,
  traceOf: (seed: number) => Trace,
  seeds: readonly number[],
  platform: PlatformSettings,
  panels: ChartPanel[],
): PolicyOutcome {
  const scores: Score[] = [];
  let label = variant.familyLabel;
  for (const [i, seed] of seeds.entries()) {
    const policy = variant.make();
    label = policy.label;
    const keep = i === 0 && TIMELINE.includes(variant.name);
    const world = simulate(traceOf(seed), policy, platform, seed, { keepSeries: keep });
    scores.push(score(world));
    if (keep) panels.push({ label: `${policy.label} (${variant.knobs})`, series: world.recorder.series });
  }
  return { name: variant.name, label, family: variant.family, familyLabel: variant.familyLabel, knobs: variant.knobs, scores };
}

export function runExperiment(options: ExperimentOptions): TraceOutcome[] {
  const say = options.progress ?? (() => undefined);
  const out: TraceOutcome[] = [];
  for (const name of options.traces) {
    const make = TRACES[name];
    const seeds = name.startsWith('production') ? (options.productionSeeds ?? options.seeds) : options.seeds;
    const first = make(seeds[0] ?? 1);
    const panels: ChartPanel[] = [];
    const outcome: TraceOutcome = {
      name,
      description: first.description,
      sla: first.sla,
      heldOut: first.heldOut === true,
      seeds: [...seeds],
      ...(first.parameters === undefined ? {} : { parameters: first.parameters }),
      serviceLevels: Object.fromEntries(first.groups.filter((g) => g.serviceLevel !== undefined).map((g) => [g.id, g.serviceLevel ?? {}])),
      policies: [],
      chart: { title: `${name} (seed ${seeds[0] ?? 1})`, start: first.start, horizon: first.horizon, capacity: first.capacity, panels },
    };
    const started = performance.now();
    for (const variant of policyVariants(options.project ?? PROJECT_DEFAULTS))
      outcome.policies.push(runVariant(variant, make, seeds, options.platform, panels));
    say(`  ${name}: ${outcome.policies.length} settings × ${seeds.length} seed(s) in ${Math.round(performance.now() - started)} ms`);
    out.push(outcome);
  }
  return out;
}
