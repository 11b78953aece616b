import { AZURE_STORAGE_TIMER_POLICY, type TimerPolicy } from './protocol/timer-policy.js';

/** The app settings the local Durable extension reads, validated once at start. */
export interface DurableSettings {
  /** `AzureWebJobsStorage`: where task hub state lives (Azurite locally) */
  storageConnectionString: string;
  /** `DURABLE_TASK_HUB` (host.json `"hubName": "%DURABLE_TASK_HUB%"`), default `hostedrpa` */
  taskHub: string;
  /** orchestration and entity episodes that may run at once (different instances) */
  maxConcurrentOrchestrations: number;
  /** activity invocations that may run at once */
  maxConcurrentActivities: number;
  /** timer chaining; the Azure Storage provider's values unless overridden (tests shorten them) */
  timers: TimerPolicy;
}

const DEFAULT_TASK_HUB = 'hostedrpa';

// Azure Storage task hub names: 3-45 characters, letters and digits, starting with a letter.
const TASK_HUB_PATTERN = /^[A-Za-z][A-Za-z0-9]{2,44}$/;

export class DurableSettingsError extends Error {
  override readonly name = 'DurableSettingsError';
}

function positiveInt(settings: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = settings[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new DurableSettingsError(`${name} must be a positive integer, got "${raw}".`);
  return value;
}

export function readDurableSettings(settings: NodeJS.ProcessEnv): DurableSettings {
  const storageConnectionString = settings.AzureWebJobsStorage;
  if (!storageConnectionString) {
    throw new DurableSettingsError('AzureWebJobsStorage is not set: the Durable extension keeps its task hub in that storage account.');
  }
  const taskHub = settings.DURABLE_TASK_HUB || DEFAULT_TASK_HUB;
  if (!TASK_HUB_PATTERN.test(taskHub)) {
    throw new DurableSettingsError(`DURABLE_TASK_HUB "${taskHub}" is not a valid task hub name (3-45 letters or digits, starting with a letter).`);
  }
  const timers: TimerPolicy = {
    maxShortTimerMs: positiveInt(settings, 'DURABLE_MAX_SHORT_TIMER_MS', AZURE_STORAGE_TIMER_POLICY.maxShortTimerMs),
    longTimerIntervalMs: positiveInt(settings, 'DURABLE_LONG_TIMER_INTERVAL_MS', AZURE_STORAGE_TIMER_POLICY.longTimerIntervalMs),
  };
  if (timers.longTimerIntervalMs > timers.maxShortTimerMs) {
    throw new DurableSettingsError('DURABLE_LONG_TIMER_INTERVAL_MS must not exceed DURABLE_MAX_SHORT_TIMER_MS.');
  }
  return {
    storageConnectionString,
    taskHub,
    maxConcurrentOrchestrations: positiveInt(settings, 'DURABLE_MAX_CONCURRENT_ORCHESTRATIONS', 8),
    maxConcurrentActivities: positiveInt(settings, 'DURABLE_MAX_CONCURRENT_ACTIVITIES', 16),
    timers,
  };
}
