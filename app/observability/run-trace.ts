import { createHash } from 'node:crypto';
import { context, isSpanContextValid, trace, TraceFlags, type Attributes, type Link, type SpanContext } from '@opentelemetry/api';
import type { RunRef } from './run-log.js';

/**
 * One trace per run, from submit through claim to finish, although each step runs in another function execution
 * (often another process): the run's trace context is derived from its id, `sha256("hosted-rpa-run:" + runId)`, the
 * first 32 hex digits the trace id, the next 16 the id of the (never exported) root span every step is a child of.
 * That is the W3C traceparent `runTraceparent(runId)`, which every step computes again instead of reading it from
 * the run document: no field to store or migrate, and the paths that end a run without the bot (cancel, the
 * watchdog's timeout, the stuck-run sweep) join the same trace. A step that runs while another span is active links
 * to it. Attributes are ids only (docs/observability.md).
 */
export const RUN_TRACER = 'hosted-rpa-control-plane';

export function runSpanContext(runId: string): SpanContext {
  const hex = createHash('sha256').update(`hosted-rpa-run:${runId}`).digest('hex');
  return { traceId: hex.slice(0, 32), spanId: hex.slice(32, 48), traceFlags: TraceFlags.SAMPLED, isRemote: true };
}

/** The run's trace context as a W3C traceparent header value (for logs, or for a client continuing the trace). */
export function runTraceparent(runId: string): string {
  const { traceId, spanId } = runSpanContext(runId);
  return `00-${traceId}-${spanId}-01`;
}

export type RunStep = 'run.submit' | 'run.claim' | 'run.finish';

/** Records one step of the run as a finished span of the run's trace, from `start` to `end`. */
export function recordRunSpan(step: RunStep, run: RunRef, start: Date, end: Date, attributes: Attributes = {}): void {
  const active = trace.getSpanContext(context.active());
  const links: Link[] = active && isSpanContextValid(active) ? [{ context: active }] : [];
  const parent = trace.setSpanContext(context.active(), runSpanContext(run.id));
  const span = trace
    .getTracer(RUN_TRACER)
    .startSpan(step, { startTime: start, links, attributes: { runId: run.id, groupId: run.groupId, environmentId: run.environmentId, ...attributes } }, parent);
  span.end(end < start ? start : end);
}
