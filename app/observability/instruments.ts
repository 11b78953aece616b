import { metrics, type Counter, type Gauge, type Histogram, type MeterProvider } from '@opentelemetry/api';

/**
 * Every metric the control plane emits, in one place (names, units and attributes: docs/observability.md). Only
 * @opentelemetry/api: the provider telemetry-setup.ts registers receives them. Attributes are ids, states,
 * outcomes and reason codes, never a name, an input or a secret.
 */
export const METRICS = {
  runsSubmitted: 'hostedrpa.runs.submitted',
  runsQueued: 'hostedrpa.runs.queued',
  oldestQueuedWait: 'hostedrpa.runs.oldest_queued_wait',
  queueWait: 'hostedrpa.runs.queue_wait',
  dispatchLatency: 'hostedrpa.runs.dispatch_latency',
  runsEnded: 'hostedrpa.runs.ended',
  bots: 'hostedrpa.bots',
  provisioningDuration: 'hostedrpa.bots.provisioning.duration',
  provisioningFailures: 'hostedrpa.bots.provisioning.failures',
  utilisation: 'hostedrpa.groups.utilisation',
  controllerRounds: 'hostedrpa.controller.rounds',
} as const;

export interface Instruments {
  runsSubmitted: Counter;
  runsQueued: Gauge;
  oldestQueuedWait: Gauge;
  queueWait: Histogram;
  dispatchLatency: Histogram;
  runsEnded: Counter;
  bots: Gauge;
  provisioningDuration: Histogram;
  provisioningFailures: Counter;
  utilisation: Gauge;
  controllerRounds: Counter;
}

/** Seconds, from a minute to a day: queue waits and provisioning times. */
const LONG_SECONDS = [1, 5, 15, 30, 60, 120, 300, 600, 1_800, 3_600, 7_200, 21_600, 86_400];
/** Seconds, for the claim itself. */
const SHORT_SECONDS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function create(provider: MeterProvider): Instruments {
  const meter = provider.getMeter('hosted-rpa-control-plane');
  return {
    runsSubmitted: meter.createCounter(METRICS.runsSubmitted, { description: 'Runs submitted (new runs, not idempotent replays).', unit: '{run}' }),
    runsQueued: meter.createGauge(METRICS.runsQueued, { description: 'Runs waiting in the group queue, as the controller read it.', unit: '{run}' }),
    oldestQueuedWait: meter.createGauge(METRICS.oldestQueuedWait, {
      description: 'How long the first run in dispatch order has waited (0 when none waits).',
      unit: 's',
    }),
    queueWait: meter.createHistogram(METRICS.queueWait, {
      description: 'Time from queued to started, recorded when a bot claims the run.',
      unit: 's',
      advice: { explicitBucketBoundaries: LONG_SECONDS },
    }),
    dispatchLatency: meter.createHistogram(METRICS.dispatchLatency, {
      description: 'From the moment a run waited and a bot asked for work (the later of the two) to the assignment, for claims that assigned a run.',
      unit: 's',
      advice: { explicitBucketBoundaries: SHORT_SECONDS },
    }),
    runsEnded: meter.createCounter(METRICS.runsEnded, { description: 'Runs that ended, by outcome and error code.', unit: '{run}' }),
    bots: meter.createGauge(METRICS.bots, { description: 'Bots of a group by state, as the controller read them.', unit: '{bot}' }),
    provisioningDuration: meter.createHistogram(METRICS.provisioningDuration, {
      description: 'Time a bot spent Provisioning, until Ready or a failed attempt.',
      unit: 's',
      advice: { explicitBucketBoundaries: LONG_SECONDS },
    }),
    provisioningFailures: meter.createCounter(METRICS.provisioningFailures, {
      description: 'Failed provisioning attempts, by reason code.',
      unit: '{attempt}',
    }),
    utilisation: meter.createGauge(METRICS.utilisation, {
      description: 'Busy bots ÷ live bots of a group at the controller round (0..1; absent with no live bot).',
      unit: '1',
    }),
    controllerRounds: meter.createCounter(METRICS.controllerRounds, {
      description: 'Planning rounds an environment controller completed (its heartbeat).',
      unit: '{round}',
    }),
  };
}

let cached: { provider: MeterProvider; instruments: Instruments } | undefined;

/**
 * The instruments of the meter provider registered now. Created on first use, not at import: a meter taken before
 * the provider is registered would stay a no-op (metrics has no proxy provider, unlike traces).
 */
export function instruments(): Instruments {
  const provider = metrics.getMeterProvider();
  if (cached?.provider !== provider) cached = { provider, instruments: create(provider) };
  return cached.instruments;
}
