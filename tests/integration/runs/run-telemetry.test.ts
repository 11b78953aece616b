import type { DataPoint, Histogram, MetricData } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimNextRun, finishRun } from '../../../app/runs/index.js';
import { METRICS } from '../../../app/observability/instruments.js';
import { runSpanContext } from '../../../app/observability/run-trace.js';
import { registerMemory, type MemoryTelemetry } from '../../../adapters/telemetry/telemetry-setup.js';
import { clientFor } from '../../support/api-client.js';
import { createRunWorld, inProcessServices, submitManyInProcess } from '../../support/run-fixtures.js';

// The run services in this process against the shared cloud, with OTEL_EXPORTER=memory: what submit, claim and finish
// emit through the one-line calls in app/runs (docs/observability.md).

let telemetry: MemoryTelemetry;

beforeAll(() => {
  telemetry = registerMemory();
});

afterAll(async () => {
  await telemetry.shutdown();
});

async function metricsNow(): Promise<MetricData[]> {
  await telemetry.flush();
  return (telemetry.metrics.getMetrics().at(-1)?.scopeMetrics ?? []).flatMap((s) => s.metrics);
}

describe('run telemetry through the run services', () => {
  it('submit → claim → finish: counters, the queue-wait and dispatch histograms, and one trace carrying the three ids', async () => {
    const admin = await clientFor({ userId: 'telemetry-admin', platformAdmin: true });
    const world = await createRunWorld(admin);
    const deps = inProcessServices();
    const [run] = await submitManyInProcess(deps, world, 1, 1);
    if (!run) throw new Error('no run');
    const claim = await claimNextRun(deps, { environmentId: world.envId, groupId: world.groupId, botId: 'bot-telemetry', waitMs: 2_000 });
    expect('run' in claim && claim.run.id).toBe(run.id);
    await finishRun(deps, { environmentId: world.envId, runId: run.id, botId: 'bot-telemetry', outcome: 'Failed', error: { message: 'the flow failed' } });

    const ids = { environmentId: world.envId, groupId: world.groupId };
    const metrics = await metricsNow();
    const points = (name: string) => (metrics.find((m) => m.descriptor.name === name)?.dataPoints ?? []).filter((p) => p.attributes.groupId === world.groupId);
    expect(points(METRICS.runsSubmitted)).toEqual([expect.objectContaining({ value: 1, attributes: { ...ids, priority: 'Normal' } })]);
    expect((points(METRICS.queueWait) as DataPoint<Histogram>[])[0]?.value.count).toBe(1);
    expect((points(METRICS.dispatchLatency) as DataPoint<Histogram>[])[0]?.value.count).toBe(1);
    expect(points(METRICS.runsEnded)).toEqual([
      expect.objectContaining({ value: 1, attributes: { ...ids, outcome: 'Failed', errorCode: 'DesktopFlowFailed' } }),
    ]);

    const spans = telemetry.spans.getFinishedSpans().filter((s) => s.attributes.runId === run.id);
    expect(spans.map((s) => s.name)).toEqual(['run.submit', 'run.claim', 'run.finish']);
    expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(new Set([runSpanContext(run.id).traceId]));
    for (const span of spans) expect(span.attributes).toMatchObject({ runId: run.id, ...ids });
  });
});
