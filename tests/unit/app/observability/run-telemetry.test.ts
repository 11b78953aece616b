import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataPoint, Histogram, MetricData, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { claimedBy, ended, queuedRun, RUN_ERROR_CODES, timedOut, type RunDocument } from '../../../../domain/run.js';
import { observeProvisioned, observeProvisioningFailure } from '../../../../app/observability/bot-telemetry.js';
import { METRICS } from '../../../../app/observability/instruments.js';
import { observeRunChange, observeRunClaimed, observeRunSubmitted } from '../../../../app/observability/run-telemetry.js';
import { runSpanContext, runTraceparent } from '../../../../app/observability/run-trace.js';
import { registerMemory, type MemoryTelemetry } from '../../../../adapters/telemetry/telemetry-setup.js';

const T0 = Date.parse('2026-03-01T08:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);
const IDS = { environmentId: 'env-1', groupId: 'group-1' };

function aRun(id: string): RunDocument {
  return queuedRun(
    {
      id,
      ...IDS,
      connectionId: 'conn-1',
      desktopFlow: { id: 'flow-1', name: 'Invoices', version: 1, definitionHash: 'h' },
      inputs: { secretish: 'never in telemetry' },
      priority: 'Normal',
      timeoutMinutes: 60,
      submittedBy: 'user-1',
      submittedByName: 'Ada Lovelace',
    },
    at(0),
  );
}

let telemetry: MemoryTelemetry;

async function collected(): Promise<MetricData[]> {
  await telemetry.flush();
  const exported: ResourceMetrics[] = telemetry.metrics.getMetrics();
  return (exported.at(-1)?.scopeMetrics ?? []).flatMap((s) => s.metrics);
}

function metric(all: MetricData[], name: string): MetricData {
  const found = all.find((m) => m.descriptor.name === name);
  if (!found) throw new Error(`no metric ${name}; have ${all.map((m) => m.descriptor.name).join(', ')}`);
  return found;
}

beforeAll(() => {
  telemetry = registerMemory();
});

afterAll(async () => {
  await telemetry.shutdown();
});

describe('run telemetry (OTEL_EXPORTER=memory)', () => {
  it('records submit → claim → finish as counters, the queue-wait and dispatch histograms and one trace with the three ids', async () => {
    const queued = aRun('run-a');
    observeRunSubmitted(queued, at(1));
    const running = claimedBy(queued, 'bot-1', at(90));
    // the bot asked at 89.96 s (after the run was queued): dispatch took 40 ms
    observeRunClaimed(running, new Date(at(90).getTime() - 40), at(90));
    const finished = ended(running, 'Succeeded', { outputs: { total: 3 } }, at(150));
    expect(observeRunChange(running, finished)).toBe(finished);
    // a repeated finish (already ended) counts nothing
    observeRunChange(finished, finished);

    const all = await collected();
    const submitted = metric(all, METRICS.runsSubmitted).dataPoints;
    expect(submitted).toEqual([expect.objectContaining({ value: 1, attributes: { ...IDS, priority: 'Normal' } })]);
    const wait = metric(all, METRICS.queueWait).dataPoints as DataPoint<Histogram>[];
    expect(wait).toHaveLength(1);
    expect(wait[0]?.value).toMatchObject({ count: 1, sum: 90 });
    const dispatch = metric(all, METRICS.dispatchLatency).dataPoints as DataPoint<Histogram>[];
    expect(dispatch[0]?.value).toMatchObject({ count: 1, sum: 0.04 });
    expect(metric(all, METRICS.runsEnded).dataPoints).toEqual([
      expect.objectContaining({ value: 1, attributes: { ...IDS, outcome: 'Succeeded', errorCode: 'none' } }),
    ]);

    const spans = telemetry.spans.getFinishedSpans().filter((s) => s.attributes.runId === 'run-a');
    expect(spans.map((s) => s.name)).toEqual(['run.submit', 'run.claim', 'run.finish']);
    const { traceId, spanId } = runSpanContext('run-a');
    for (const span of spans) {
      expect(span.spanContext().traceId).toBe(traceId);
      expect(span.parentSpanContext?.spanId).toBe(spanId);
      expect(span.attributes).toMatchObject({ runId: 'run-a', ...IDS });
      // ids, states and codes only: no user name, input or output
      expect(JSON.stringify(span.attributes)).not.toMatch(/Ada|secretish|never in telemetry|total/);
    }
    const claim = spans[1]!;
    expect(claim.startTime).not.toEqual(claim.endTime);
    expect(runTraceparent('run-a')).toBe(`00-${traceId}-${spanId}-01`);
  });

  it("measures the dispatch of a claim that waited for work from the run's arrival, not from the claim's start", async () => {
    const queued = aRun('run-long-poll');
    // the bot asked 30 s before the run was queued; the run was assigned 0.5 s after it was queued
    observeRunClaimed(claimedBy(queued, 'bot-2', at(0.5)), at(-30), at(0.5));
    const dispatch = metric(await collected(), METRICS.dispatchLatency).dataPoints as DataPoint<Histogram>[];
    expect(dispatch[0]?.value.count).toBe(2);
    expect(dispatch[0]?.value.sum).toBeCloseTo(0.54, 6);
  });

  it('counts a timed-out run by its outcome and error code, and keeps runs apart in traces of their own', async () => {
    const queued = aRun('run-b');
    observeRunSubmitted(queued, at(0));
    observeRunChange(queued, timedOut(queued, { code: RUN_ERROR_CODES.noCandidateMachine, message: 'queued too long' }, at(600)));
    const ended = metric(await collected(), METRICS.runsEnded).dataPoints;
    expect(ended).toEqual(
      expect.arrayContaining([expect.objectContaining({ value: 1, attributes: { ...IDS, outcome: 'TimedOut', errorCode: 'NoCandidateMachine' } })]),
    );
    expect(runSpanContext('run-b').traceId).not.toBe(runSpanContext('run-a').traceId);
    const finish = telemetry.spans.getFinishedSpans().find((s) => s.attributes.runId === 'run-b' && s.name === 'run.finish');
    expect(finish?.spanContext().traceId).toBe(runSpanContext('run-b').traceId);
  });

  it('records provisioning durations by outcome and failures by reason code', async () => {
    observeProvisioningFailure(IDS, at(0).toISOString(), at(20), 'QuotaExceeded', true);
    observeProvisioned(IDS, at(0).toISOString(), at(95));
    const all = await collected();
    expect(metric(all, METRICS.provisioningFailures).dataPoints).toEqual([
      expect.objectContaining({ value: 1, attributes: { ...IDS, reason: 'QuotaExceeded', retryable: true } }),
    ]);
    const durations = metric(all, METRICS.provisioningDuration).dataPoints as DataPoint<Histogram>[];
    expect(durations.map((d) => [d.attributes.outcome, d.value.sum])).toEqual(
      expect.arrayContaining([
        ['Failed', 20],
        ['Ready', 95],
      ]),
    );
  });
});
