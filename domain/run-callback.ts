/**
 * A run's callback: where the run's final representation is POSTed when it ends, and how delivery went.
 * `Pending` from submission until delivered (2xx), unsubscribed (410 Gone, or DELETE .../callback) or given up
 * (24 h of retries). The URL is kept with the run but never shown: Power Automate's callback URLs carry a
 * signature in their query string, so responses show only its origin and path (`target`).
 */
export const CALLBACK_STATES = ['Pending', 'Delivered', 'Failed', 'Unsubscribed'] as const;
export type CallbackState = (typeof CALLBACK_STATES)[number];

export interface RunCallback {
  url: string;
  state: CallbackState;
  /** delivery attempts made so far */
  attempts: number;
  /** the HTTP status of the latest attempt; 0 when it got no answer (timeout, refused, blocked address) */
  lastStatus?: number;
  lastAttemptAt?: string;
}

/** Delivery is retried for this long after the run ended, then the callback is Failed. */
export const CALLBACK_RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** the longest wait between two attempts */
export const CALLBACK_MAX_DELAY_SECONDS = 60 * 60;
export const MAX_CALLBACK_URL_LENGTH = 2048;

export function newCallback(url: string): RunCallback {
  return { url, state: 'Pending', attempts: 0 };
}

/** What responses show of a callback: the URL's origin and path only (its query may hold a signature). */
export function callbackView(callback: RunCallback) {
  const url = new URL(callback.url);
  return {
    target: `${url.origin}${url.pathname}`,
    state: callback.state,
    attempts: callback.attempts,
    lastStatus: callback.lastStatus ?? null,
    lastAttemptAt: callback.lastAttemptAt ?? null,
  };
}

/** The outcome of one attempt, by the receiver's status (0: no answer). */
export function stateAfterAttempt(status: number): CallbackState {
  if (status >= 200 && status < 300) return 'Delivered';
  if (status === 410) return 'Unsubscribed';
  return 'Pending';
}

/**
 * Seconds to wait before attempt `attempt + 1` after `attempt` failed ones: base * 2^(attempt-1), at most
 * CALLBACK_MAX_DELAY_SECONDS, plus up to 20 % jitter from `random` (0..1, the orchestration's deterministic one).
 */
export function retryDelaySeconds(attempt: number, baseSeconds: number, random: number): number {
  const exponential = Math.min(baseSeconds * 2 ** Math.min(Math.max(attempt - 1, 0), 30), CALLBACK_MAX_DELAY_SECONDS);
  return exponential * (1 + 0.2 * random);
}
