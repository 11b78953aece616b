import type { RetryOptionsWire } from '../protocol/actions.js';

/**
 * The back-off before the attempt after `failedAttempt` (1-based), as DurableTask.Core's RetryInterceptor
 * computes it: first interval × coefficient^(attempt − 1), capped by the maximum interval.
 *
 * The library's `RetryableTask` always waits for a back-off timer after a failure (also after the last
 * one) and only then decides whether to try again, so the driver creates that timer every time.
 * `retryTimeoutInMilliseconds` is not honoured: the library would wait for an attempt that never comes.
 */
export function retryDelayMs(options: RetryOptionsWire, failedAttempt: number): number {
  const coefficient = options.backoffCoefficient ?? 1;
  const delay = options.firstRetryIntervalInMilliseconds * Math.pow(coefficient, Math.max(0, failedAttempt - 1));
  const cap = options.maxRetryIntervalInMilliseconds;
  return Math.max(0, cap !== undefined && cap > 0 ? Math.min(delay, cap) : delay);
}

/** Whether the library schedules another attempt when the back-off timer after `failedAttempt` fires. */
export function hasAttemptLeft(options: RetryOptionsWire, failedAttempt: number): boolean {
  return failedAttempt + 1 <= options.maxNumberOfAttempts;
}
