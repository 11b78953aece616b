import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { plan } from '../domain/planner/plan.js';
import type { BotState } from '../domain/planner/planner-input.js';
import { DurableTestHost } from '../tests/integration/local-cloud/durable-host.js';
import { aBot, aGroup, anEnvironment } from '../tests/unit/domain/planner/builders.js';
import { machineInfo, stats } from './stats.js';
import { writeSummary } from './summary.js';

/**
 * Planner scale (10 groups × 50 bots × 10,000 queued runs, and how it grows with each) and the local Durable
 * extension's latency (trivial orchestration, one activity round trip). Writes bench/results/planner-durable.json,
 * then bench/results/summary.md from every result file (bench/summary.ts).
 */
const STATES: readonly BotState[] = ['Ready', 'Busy', 'Busy', 'Provisioning', 'Ready', 'Busy', 'Draining', 'Deprovisioning', 'Busy', 'Failed'];

function environment(groups: number, bots: number, queued: number) {
  const gs = Array.from({ length: groups }, (_, gi) => {
    const g = aGroup(`group-${gi}`)
      .withMaxBots(bots)
      .withCommitted(gi % 3)
      .withQueued(queued, 600 + gi)
      .withHighQueued(gi * 10)
      .onImage('img-1', gi % 2 === 0 ? '2' : '1');
    for (let b = 0; b < bots; b += 1)
      g.withBot(
        aBot(`group-${gi}-bot-${String(b).padStart(3, '0')}`)
          .inState(STATES[b % STATES.length] ?? 'Ready')
          .onImageVersion(b % 4 === 0 ? '1' : '2'),
      );
    return g;
  });
  return anEnvironment()
    .withCapacity(groups * bots - 50)
    .withGroups(...gs)
    .build();
}

function planTimeMs(groups: number, bots: number, queued: number) {
  const input = environment(groups, bots, queued);
  for (let i = 0; i < 50; i += 1) plan(input);
  const samples: number[] = [];
  for (let i = 0; i < 100; i += 1) {
    const started = performance.now();
    plan(input);
    samples.push(performance.now() - started);
  }
  return stats(samples.map((ms) => ms * 1000)); // microseconds
}

async function main(): Promise<void> {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const planner = {
    unit: 'µs per plan',
    base_10g_50b_10000q: planTimeMs(10, 50, 10_000),
    groups_1: planTimeMs(1, 50, 10_000),
    bots_10: planTimeMs(10, 10, 10_000),
    bots_200: planTimeMs(10, 200, 10_000),
    queued_100: planTimeMs(10, 50, 100),
    queued_1000000: planTimeMs(10, 50, 1_000_000),
  };
  say(`planner: ${JSON.stringify(planner)}`);
  // how the time grows with each dimension, the others at 10 groups × 50 bots × 10,000 queued runs (30 groups is
  // beyond the product's 10 per environment: there only to show the trend)
  const growth = {
    unit: 'µs per plan, median of 100',
    groups: Object.fromEntries([1, 3, 10, 30].map((g) => [g, planTimeMs(g, 50, 10_000).p50])),
    botsPerGroup: Object.fromEntries([10, 25, 50, 100, 200].map((b) => [b, planTimeMs(10, b, 10_000).p50])),
    queuedPerGroup: Object.fromEntries([100, 1_000, 10_000, 100_000, 1_000_000].map((q) => [q, planTimeMs(10, 50, q).p50])),
  };
  say(`planner growth: ${JSON.stringify(growth)}`);

  const host = await DurableTestHost.start('bench');
  let durable;
  try {
    await host.timeToCompletion('Trivial');
    const trivial: number[] = [];
    const oneActivity: number[] = [];
    for (let i = 0; i < 20; i++) trivial.push(await host.timeToCompletion('Trivial', { i }));
    for (let i = 0; i < 20; i++) oneActivity.push(await host.timeToCompletion('OneActivity'));
    durable = { unit: 'ms, start → completed', trivial: stats(trivial), oneActivity: stats(oneActivity) };
    say(`durable: ${JSON.stringify(durable)}`);
  } finally {
    await host.close();
  }

  const out = path.join(import.meta.dirname, 'results', 'planner-durable.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ machine: machineInfo(), at: new Date().toISOString(), planner, plannerGrowth: growth, durable }, null, 2)}\n`);
  say(`wrote ${path.relative(process.cwd(), out)}`);
  // the last step of `npm run bench`: the markdown table of every result file
  say(`wrote ${path.relative(process.cwd(), writeSummary())}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
