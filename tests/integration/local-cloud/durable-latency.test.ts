import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DurableTestHost, median } from './durable-host.js';

let host: DurableTestHost;

beforeAll(async () => {
  host = await DurableTestHost.start('latency');
  await host.timeToCompletion('Trivial'); // warm-up: first invocations compile and open connections
});

afterAll(async () => {
  await host?.close();
});

describe('local Durable extension latency', () => {
  it('completes a trivial orchestration and one activity round trip quickly (median of 20)', async () => {
    const trivial: number[] = [];
    const oneActivity: number[] = [];
    for (let i = 0; i < 20; i++) trivial.push(await host.timeToCompletion('Trivial', { i }));
    for (let i = 0; i < 20; i++) oneActivity.push(await host.timeToCompletion('OneActivity'));
    const summary = { trivialMs: Math.round(median(trivial)), oneActivityMs: Math.round(median(oneActivity)) };
    process.stdout.write(`durable latency (start → completed, median of 20): ${JSON.stringify(summary)}\n`);
    expect(summary.trivialMs).toBeLessThan(500);
    expect(summary.oneActivityMs).toBeLessThan(1_000);
  });
});
