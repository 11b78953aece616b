import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { machineInfo } from '../../bench/stats.js';
import { FIGURES_DIR, FULL, type ScenarioFigures } from './fault-world.js';

let started = 0;

/** Clears the figures of an earlier run; at the end prints every scenario's figures (and, in the full form, writes them). */
export function setup(): void {
  started = Date.now();
  rmSync(FIGURES_DIR, { recursive: true, force: true });
  mkdirSync(FIGURES_DIR, { recursive: true });
}

export function teardown(): void {
  const files = readdirSync(FIGURES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const scenarios = files.map((f) => JSON.parse(readFileSync(path.join(FIGURES_DIR, f), 'utf8')) as ScenarioFigures);
  if (scenarios.length === 0) return;
  const sum = (pick: (s: ScenarioFigures) => number) => scenarios.reduce((a, s) => a + pick(s), 0);
  const totals = {
    scenarios: scenarios.length,
    runsSubmitted: sum((s) => s.runsSubmitted),
    runsChecked: sum((s) => s.runsChecked),
    faultsInjected: sum((s) => Object.values(s.faultsInjected).reduce((a, b) => a + b, 0)),
    submitRetries: sum((s) => s.submitRetries),
    violations: sum((s) => Object.values(s.invariants).reduce((a, v) => a + v.violations, 0)),
    wallSeconds: Math.round((Date.now() - started) / 1000),
  };
  process.stdout.write('\nfault scenarios (runs submitted / checked, faults injected, seconds):\n');
  for (const s of scenarios) {
    const faults = Object.entries(s.faultsInjected)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    process.stdout.write(`  ${s.scenario}: ${s.runsSubmitted} / ${s.runsChecked} runs, ${faults}, ${s.seconds} s, outcomes ${JSON.stringify(s.outcomes)}\n`);
  }
  process.stdout.write(`  total: ${JSON.stringify(totals)}\n`);
  // the figures of the full form are kept only from a complete run in which every invariant held
  const expected = readdirSync(path.dirname(new URL(import.meta.url).pathname)).filter((f) => f.endsWith('.test.ts')).length;
  if (FULL && (scenarios.length < expected || totals.violations > 0))
    process.stdout.write(
      `  not written to bench/results/faults.json: ${scenarios.length} of ${expected} scenarios recorded, ${totals.violations} violations\n`,
    );
  else if (FULL) {
    const out = path.resolve('bench', 'results', 'faults.json');
    writeFileSync(out, `${JSON.stringify({ measuredAt: new Date().toISOString(), scale: 'full', machine: machineInfo(), totals, scenarios }, null, 2)}\n`);
    process.stdout.write(`  written to ${path.relative(process.cwd(), out)}\n`);
  }
}
