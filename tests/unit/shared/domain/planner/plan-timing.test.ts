import { describe, expect, it } from 'vitest';
import { plan } from '../../../../../shared/domain/planner/plan.js';
import type { BotState } from '../../../../../shared/domain/planner/planner-input.js';
import { aBot, aGroup, anEnvironment } from './builders.js';

/**
 * How long planning takes for a large environment: 10 groups × 50 bots × 10,000 queued runs each. Runs are
 * counts, so the queue length costs nothing; the bots and the water-filling do. Printed, not asserted
 * (timings on a shared machine are not a test); the median of 50 calls after a warm-up.
 */

const STATES: readonly BotState[] = ['Ready', 'Busy', 'Busy', 'Provisioning', 'Ready', 'Busy', 'Draining', 'Deprovisioning', 'Busy', 'Failed'];

function largeEnvironment() {
  const groups = Array.from({ length: 10 }, (_, gi) => {
    const g = aGroup(`group-${gi}`).withMaxBots(50).withCommitted(gi % 3).withQueued(10_000, 600 + gi).withHighQueued(gi * 10).onImage('img-1', gi % 2 === 0 ? '2' : '1');
    for (let b = 0; b < 50; b += 1) g.withBot(aBot(`group-${gi}-bot-${String(b).padStart(2, '0')}`).inState(STATES[b % STATES.length] ?? 'Ready').onImageVersion(b % 4 === 0 ? '1' : '2'));
    return g;
  });
  return anEnvironment().withCapacity(450).withGroups(...groups).build();
}

describe('planning time', () => {
  it('plans 10 groups × 50 bots × 10,000 queued runs', () => {
    const input = largeEnvironment();
    for (let i = 0; i < 50; i += 1) plan(input);
    const samples: number[] = [];
    let last = plan(input);
    for (let i = 0; i < 50; i += 1) {
      const started = performance.now();
      last = plan(input);
      samples.push(performance.now() - started);
    }
    samples.sort((a, b) => a - b);
    const median = ((samples[24] ?? 0) + (samples[25] ?? 0)) / 2;
    console.log(
      `planning 10 groups × 50 bots × 10,000 queued runs: median ${(median * 1000).toFixed(0)} µs, min ${((samples[0] ?? 0) * 1000).toFixed(0)} µs, ` +
        `max ${((samples[49] ?? 0) * 1000).toFixed(0)} µs over 50 calls (${last.decisions.length} decisions, ${last.totals.before} → ${last.totals.after} bots)`,
    );
    expect(last.totals.after).toBeLessThanOrEqual(450);
  });
});
