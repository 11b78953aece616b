import { MAX_DURATION, NEVER_MS, parseIsoDuration } from './durations.js';

/** The queue properties the project sets (see infra/definitions/service-bus.json). Durations are ISO 8601. */
export interface QueueProperties {
  lockDuration: string;
  maxDeliveryCount: number;
  defaultMessageTimeToLive?: string;
  deadLetteringOnMessageExpiration?: boolean;
  maxSizeInMegabytes?: number;
}

/** Queue properties with the service's defaults filled in and durations in milliseconds. */
export interface QueueSettings {
  lockDuration: string;
  lockDurationMs: number;
  maxDeliveryCount: number;
  defaultMessageTimeToLive: string;
  /** undefined = messages never expire */
  defaultMessageTimeToLiveMs: number | undefined;
  deadLetteringOnMessageExpiration: boolean;
  maxSizeInMegabytes: number;
}

export const DEFAULT_QUEUE_PROPERTIES: Required<QueueProperties> = {
  lockDuration: 'PT1M',
  maxDeliveryCount: 10,
  defaultMessageTimeToLive: MAX_DURATION,
  deadLetteringOnMessageExpiration: false,
  maxSizeInMegabytes: 1024,
};

/** Validates like the service does (lock 5 s..5 min there; shorter locks are allowed here so tests run fast). */
export function resolveQueueSettings(properties: Partial<QueueProperties>): QueueSettings {
  const merged = { ...DEFAULT_QUEUE_PROPERTIES, ...withoutUndefined(properties) };
  const lockDurationMs = parseIsoDuration(merged.lockDuration);
  if (lockDurationMs <= 0 || lockDurationMs > 5 * 60_000) {
    throw new RangeError(`LockDuration must be more than 0 and at most 5 minutes, got ${merged.lockDuration}`);
  }
  if (!Number.isInteger(merged.maxDeliveryCount) || merged.maxDeliveryCount < 1) {
    throw new RangeError(`MaxDeliveryCount must be a positive integer, got ${merged.maxDeliveryCount}`);
  }
  const ttlMs = parseIsoDuration(merged.defaultMessageTimeToLive);
  if (ttlMs <= 0) throw new RangeError(`DefaultMessageTimeToLive must be positive, got ${merged.defaultMessageTimeToLive}`);
  return {
    lockDuration: merged.lockDuration,
    lockDurationMs,
    maxDeliveryCount: merged.maxDeliveryCount,
    defaultMessageTimeToLive: merged.defaultMessageTimeToLive,
    defaultMessageTimeToLiveMs: ttlMs >= NEVER_MS ? undefined : ttlMs,
    deadLetteringOnMessageExpiration: merged.deadLetteringOnMessageExpiration,
    maxSizeInMegabytes: merged.maxSizeInMegabytes,
  };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
