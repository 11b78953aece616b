import { metrics, trace } from '@opentelemetry/api';
import {
  ConsoleMetricExporter,
  InMemoryMetricExporter,
  AggregationTemporality,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, ConsoleSpanExporter, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { AppConfig } from '../../app/config/app-config.js';

/**
 * Where the instruments of instruments.ts and the run spans of run-trace.ts go, chosen by OTEL_EXPORTER
 * (docs/observability.md). The instruments use only @opentelemetry/api: whatever provider is registered here
 * receives them, and with none registered they cost nothing.
 *
 * - `azure-monitor` (Azure): the Azure Monitor distro, to Application Insights, authenticated with the app's
 *   user-assigned identity (local auth is off on the component).
 * - `console`: metrics every CONSOLE_EXPORT_INTERVAL_MS and every span, printed by the process (local).
 * - `memory`: kept in memory, read with `memoryTelemetry()` (tests).
 * - `none` (the default): nothing registered.
 */
export type TelemetryConfig = Pick<AppConfig, 'OTEL_EXPORTER' | 'APPLICATIONINSIGHTS_CONNECTION_STRING' | 'AZURE_CLIENT_ID'>;

export const CONSOLE_EXPORT_INTERVAL_MS = 15_000;

/** What OTEL_EXPORTER=memory records: `flush()` exports the metrics collected so far into `metrics`. */
export interface MemoryTelemetry {
  metrics: InMemoryMetricExporter;
  spans: InMemorySpanExporter;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

let settingUp: Promise<void> | undefined;
let memory: MemoryTelemetry | undefined;

/** Registers the exporter OTEL_EXPORTER names, once per process (later calls are no-ops). */
export function setUpTelemetry(config: TelemetryConfig): Promise<void> {
  settingUp ??= register(config);
  return settingUp;
}

/** The in-memory telemetry when OTEL_EXPORTER=memory was set up, else undefined. */
export function memoryTelemetry(): MemoryTelemetry | undefined {
  return memory;
}

async function register(config: TelemetryConfig): Promise<void> {
  switch (config.OTEL_EXPORTER) {
    case 'azure-monitor':
      return registerAzureMonitor(config);
    case 'console':
      registerProviders(
        new PeriodicExportingMetricReader({ exporter: new ConsoleMetricExporter(), exportIntervalMillis: CONSOLE_EXPORT_INTERVAL_MS }),
        new ConsoleSpanExporter(),
      );
      return;
    case 'memory':
      memory = registerMemory();
      return;
    case 'none':
      return;
  }
}

/**
 * The distro is imported only here, so that local runs and tests never load it. Every run span is kept
 * (`tracesPerSecond: 0`, ratio 1: one trace per run is the point). The automatic spans of the worker's outgoing calls
 * (Azure SDK and HTTP: a Cosmos request per claim poll of every bot) are off: they would cost far more than the run
 * spans and say little the Functions host's own telemetry does not.
 */
async function registerAzureMonitor(config: TelemetryConfig): Promise<void> {
  if (!config.APPLICATIONINSIGHTS_CONNECTION_STRING) throw new Error('OTEL_EXPORTER=azure-monitor needs APPLICATIONINSIGHTS_CONNECTION_STRING.');
  const [{ useAzureMonitor }, { ManagedIdentityCredential }] = await Promise.all([import('@azure/monitor-opentelemetry'), import('@azure/identity')]);
  useAzureMonitor({
    azureMonitorExporterOptions: {
      connectionString: config.APPLICATIONINSIGHTS_CONNECTION_STRING,
      credential: new ManagedIdentityCredential(config.AZURE_CLIENT_ID ? { clientId: config.AZURE_CLIENT_ID } : {}),
    },
    samplingRatio: 1,
    tracesPerSecond: 0,
    enableLiveMetrics: false,
    instrumentationOptions: {
      azureSdk: { enabled: false },
      http: { enabled: false },
      mongoDb: { enabled: false },
      mySql: { enabled: false },
      postgreSql: { enabled: false },
      redis: { enabled: false },
      redis4: { enabled: false },
    },
  });
}

function registerProviders(reader: PeriodicExportingMetricReader, spanExporter: ConsoleSpanExporter | InMemorySpanExporter): void {
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] }));
}

/**
 * In-memory providers, registered globally (replacing any registered before: tests set up a fresh one per file).
 * Metrics are exported only on `flush()` (the periodic export is an hour apart), cumulative, so a flush shows
 * every value since the start.
 */
export function registerMemory(): MemoryTelemetry {
  metrics.disable();
  trace.disable();
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const spans = new InMemorySpanExporter();
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  metrics.setGlobalMeterProvider(meterProvider);
  trace.setGlobalTracerProvider(tracerProvider);
  memory = {
    metrics: metricExporter,
    spans,
    flush: () => reader.forceFlush(),
    shutdown: async () => {
      await Promise.all([meterProvider.shutdown(), tracerProvider.shutdown()]);
      metrics.disable();
      trace.disable();
    },
  };
  return memory;
}
