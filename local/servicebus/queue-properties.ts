import { MAX_DURATION, NEVER_MS, parseIsoDuration } from './durations.js';

/**
 * The queue properties the peer keeps (see infra/definitions/service-bus.json for the ones the project sets).
 * Durations are ISO 8601. Which QueueDescription elements map here, and which are refused, is queue-description.ts.
 */
export interface QueueProperties {
  lockDuration: string;
  maxDeliveryCount: number;
  defaultMessageTimeToLive?: string;
  deadLetteringOnMessageExpiration?: boolean;
  /** validated and reported, not enforced: the peer never answers QuotaExceeded */
  maxSizeInMegabytes?: number;
  /** validated and reported; without duplicate detection (which the peer refuses) it has no effect, as in the service */
  duplicateDetectionHistoryTimeWindow?: string;
  /** reported back; no effect (server-side batching of store writes only changes throughput) */
  enableBatchedOperations?: boolean;
  /** reported back; no effect (express trades durability for latency, and the peer keeps everything in memory anyway) */
  enableExpress?: boolean;
  /** free text for the owner, reported back */
  userMetadata?: string;
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
  duplicateDetectionHistoryTimeWindow: string;
  enableBatchedOperations: boolean;
  enableExpress: boolean;
  userMetadata: string | undefined;
}

export const DEFAULT_QUEUE_PROPERTIES: Required<Omit<QueueProperties, 'userMetadata'>> = {
  lockDuration: 'PT1M',
  maxDeliveryCount: 10,
  defaultMessageTimeToLive: MAX_DURATION,
  deadLetteringOnMessageExpiration: false,
  maxSizeInMegabytes: 1024,
  duplicateDetectionHistoryTimeWindow: 'PT10M',
  enableBatchedOperations: true,
  enableExpress: false,
};

/** A Standard-tier queue (the tier the peer stands in for) holds 1 to 5 GB. */
const STANDARD_QUEUE_SIZES_MB = [1024, 2048, 3072, 4096, 5120];
const MAX_USER_METADATA_LENGTH = 1024;

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
  if (!STANDARD_QUEUE_SIZES_MB.includes(merged.maxSizeInMegabytes)) {
    throw new RangeError(`MaxSizeInMegabytes must be one of ${STANDARD_QUEUE_SIZES_MB.join(', ')} (Standard tier), got ${merged.maxSizeInMegabytes}`);
  }
  const historyMs = parseIsoDuration(merged.duplicateDetectionHistoryTimeWindow);
  if (historyMs < 20_000 || historyMs > 7 * 24 * 3_600_000) {
    throw new RangeError(`DuplicateDetectionHistoryTimeWindow must be from 20 seconds to 7 days, got ${merged.duplicateDetectionHistoryTimeWindow}`);
  }
  if (merged.userMetadata !== undefined && merged.userMetadata.length > MAX_USER_METADATA_LENGTH) {
    throw new RangeError(`UserMetadata must be at most ${MAX_USER_METADATA_LENGTH} characters, got ${merged.userMetadata.length}`);
  }
  return {
    lockDuration: merged.lockDuration,
    lockDurationMs,
    maxDeliveryCount: merged.maxDeliveryCount,
    defaultMessageTimeToLive: merged.defaultMessageTimeToLive,
    defaultMessageTimeToLiveMs: ttlMs >= NEVER_MS ? undefined : ttlMs,
    deadLetteringOnMessageExpiration: merged.deadLetteringOnMessageExpiration,
    maxSizeInMegabytes: merged.maxSizeInMegabytes,
    duplicateDetectionHistoryTimeWindow: merged.duplicateDetectionHistoryTimeWindow,
    enableBatchedOperations: merged.enableBatchedOperations,
    enableExpress: merged.enableExpress,
    userMetadata: merged.userMetadata,
  };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
