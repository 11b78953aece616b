import { simulate } from './engine.js';
import { score, type Score } from './metrics.js';
import type { PlatformSettings } from './model.js';
import { policies } from './policies/index.js';
import { PROJECT_DEFAULTS, type ProjectSettings } from './policies/project.js';
import type { ChartPanel, ChartSpec } from './svg-chart.js';
import { TRACES, type TraceName } from './traces.js';

/**
 * Every trace × every policy × every seed: the same trace (same runs) and the same seed (same provisioning
 * luck) for every policy. Keeps the scores, and the series of the first seed for the charts.
 */
export interface PolicyOutcome {
  name: string;
  label: string;
  scores: Score[];
}

export interface TraceOutcome {
  name: TraceName;
  description: string;
  sla: string;
  policies: PolicyOutcome[];
  chart: ChartSpec;
}

export interface ExperimentOptions {
  traces: readonly TraceName[];
  seeds: readonly number[];
  platform: PlatformSettings;
  project?: ProjectSettings;
  progress?: (line: string) => void;
}

export function runExperiment(options: ExperimentOptions): TraceOutcome[] {
  const say = options.progress ?? (() => undefined);
  const out: TraceOutcome[] = [];
  for (const name of options.traces) {
    const make = TRACES[name];
    const first = make(options.seeds[0] ?? 1);
    const panels: ChartPanel[] = [];
    const outcome: TraceOutcome = {
      name,
      description: first.description,
      sla: first.sla,
      policies: [],
      chart: { title: `${name} (seed ${options.seeds[0] ?? 1})`, start: first.start, horizon: first.horizon, capacity: first.capacity, panels },
    };
    for (const makePolicy of policies(options.project ?? PROJECT_DEFAULTS)) {
      let entry: PolicyOutcome | undefined;
      const started = performance.now();
      for (const [i, seed] of options.seeds.entries()) {
        const policy = makePolicy();
        const world = simulate(make(seed), policy, options.platform, seed, { keepSeries: i === 0 });
        entry ??= { name: policy.name, label: policy.label, scores: [] };
        entry.scores.push(score(world));
        if (i === 0) panels.push({ label: policy.label, series: world.recorder.series });
      }
      if (entry === undefined) continue;
      outcome.policies.push(entry);
      say(`  ${name} · ${entry.label}: ${options.seeds.length} seed(s) in ${Math.round(performance.now() - started)} ms`);
    }
    out.push(outcome);
  }
  return out;
}
