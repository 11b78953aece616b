import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { machineInfo } from '../bench/stats.js';
import { runExperiment } from './experiment.js';
import { DEFAULT_PLATFORM, MINUTE } from './model.js';
import { policyVariants } from './policies/index.js';
import { PROJECT_DEFAULTS } from './policies/project.js';
import { markdownReport, summarise, type TraceSummary } from './report.js';
import { chartSvg, frontierSvg } from './svg-chart.js';
import { TRACES, type TraceName } from './traces.js';

/**
 * `npm run simulate [-- --seeds 11 --provision-minutes 10 --jitter 0.2 --failure-rate 0.05 --idle-timeout-seconds 900
 *  --controller-interval-seconds 60 --traces a,b --out dir]`:
 * runs every trace under every policy on the virtual clock, prints the tables and writes
 * bench/results/simulation.json, bench/results/simulation.md and one SVG per trace.
 */
const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '5' },
    'production-seeds': { type: 'string', default: '1' },
    'provision-minutes': { type: 'string', default: String(DEFAULT_PLATFORM.provisionMs / MINUTE) },
    jitter: { type: 'string', default: String(DEFAULT_PLATFORM.provisionJitter) },
    'failure-rate': { type: 'string', default: String(DEFAULT_PLATFORM.failureRate) },
    'idle-timeout-seconds': { type: 'string', default: String(PROJECT_DEFAULTS.botIdleTimeoutSeconds) },
    'controller-interval-seconds': { type: 'string', default: String(PROJECT_DEFAULTS.controllerIntervalSeconds) },
    traces: { type: 'string', default: Object.keys(TRACES).join(',') },
    out: { type: 'string', default: path.join(import.meta.dirname, '..', 'bench', 'results') },
  },
});

const say = (line: string) => process.stdout.write(`${line}\n`);
const number = (name: string, raw: string | undefined) => {
  const v = Number(raw);
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} must be a non-negative number, not ${raw}`);
  return v;
};

const traces = String(values.traces)
  .split(',')
  .map((t) => t.trim());
for (const t of traces) if (!(t in TRACES)) throw new Error(`unknown trace ${t}; known: ${Object.keys(TRACES).join(', ')}`);
const seeds = Array.from({ length: Math.max(1, Math.floor(number('seeds', values.seeds))) }, (_, i) => i + 1);
const productionSeeds = Array.from({ length: Math.max(1, Math.floor(number('production-seeds', values['production-seeds']))) }, (_, i) => i + 1);
const platform = {
  ...DEFAULT_PLATFORM,
  provisionMs: number('provision-minutes', values['provision-minutes']) * MINUTE,
  provisionJitter: number('jitter', values.jitter),
  failureRate: number('failure-rate', values['failure-rate']),
};

const project = {
  ...PROJECT_DEFAULTS,
  botIdleTimeoutSeconds: number('idle-timeout-seconds', values['idle-timeout-seconds']),
  controllerIntervalSeconds: Math.max(1, number('controller-interval-seconds', values['controller-interval-seconds'])),
};

const started = performance.now();
say(
  `simulating ${traces.length} trace(s) × ${policyVariants().length} policy settings × ${seeds.length} seed(s) (${productionSeeds.length} on the production-scale traces); provisioning ${platform.provisionMs / MINUTE} min ± ${platform.provisionJitter * 100} %, failure rate ${platform.failureRate} (the production-scale traces bring their own)`,
);
const outcomes = runExperiment({ traces: traces as TraceName[], seeds, productionSeeds, platform, project, progress: say });
const summaries = outcomes.map(summarise);

const outDir = String(values.out);
mkdirSync(outDir, { recursive: true });
for (const o of outcomes) {
  const file = path.join(outDir, `simulation-${o.name}.svg`);
  writeFileSync(file, chartSvg(o.chart));
  const summary = summaries.find((s) => s.name === o.name);
  if (summary !== undefined) writeFileSync(path.join(outDir, `simulation-frontier-${o.name}.svg`), frontierSvg(frontierSpec(summary)));
  say(`wrote ${path.relative(process.cwd(), file)} and simulation-frontier-${o.name}.svg`);
}

function frontierSpec(s: TraceSummary) {
  const families = new Map<string, { label: string; points: Array<{ x: number; y: number; knobs: string }>; frontier: Array<{ x: number; y: number }> }>();
  for (const [name, m] of Object.entries(s.medians)) {
    const f = families.get(m.family) ?? {
      label: m.familyLabel,
      points: [],
      frontier: (s.frontiers[m.family] ?? []).map((p) => ({ x: p.botMinutes, y: p.p95WaitMinutes })),
    };
    f.points.push({ x: m.botMinutes, y: m.p95WaitMinutes, knobs: `${name}: ${m.knobs}` });
    families.set(m.family, f);
  }
  const op = s.operatingPoint;
  return {
    title: `${s.name}${s.heldOut ? ' (held out)' : ''}: bot-minutes vs p95 wait, every setting; lines: each family's frontier`,
    families: [...families.values()],
    operatingPoint: op === null ? null : { x: op.botMinutes, y: op.p95WaitMinutes, label: "this project's operating point" },
  };
}
const settings = { seeds, productionSeeds, platform, project };
const json = path.join(outDir, 'simulation.json');
writeFileSync(
  json,
  `${JSON.stringify({ machine: machineInfo(), at: new Date().toISOString(), wallSeconds: Math.round((performance.now() - started) / 100) / 10, settings, traces: summaries }, null, 2)}\n`,
);
const header = `## Simulation: this project's policy against the frontiers of five baseline families\n\n${seeds.length} seed(s) on the hand-written traces, ${productionSeeds.length} on the production-scale ones; provisioning ${platform.provisionMs / MINUTE} min ± ${platform.provisionJitter * 100} %, failure rate ${platform.failureRate}; BOT_IDLE_TIMEOUT_SECONDS ${project.botIdleTimeoutSeconds}, GROUP_IDLE_TEARDOWN_HOURS ${project.groupIdleTeardownHours}, CONTROLLER_INTERVAL_SECONDS ${project.controllerIntervalSeconds}.`;
const markdown = markdownReport(summaries, header);
writeFileSync(path.join(outDir, 'simulation.md'), markdown);
say(`wrote ${path.relative(process.cwd(), json)} and simulation.md`);
say('');
say(markdown);
say(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
