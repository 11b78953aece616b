import { AppError } from '../../domain/errors/app-error.js';

/** The answer of one `take`: allowed, or refused with the seconds until the caller's window frees. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** The port the HTTP wrapper counts requests through, declared where it is consumed (api/http/api-handler.ts). */
export interface RateLimiter {
  /** counts one request of `key`; refused when the key used up its allowance in the current window */
  take(key: string): RateDecision;
}

export interface FixedWindowOptions {
  /** requests allowed per key and window */
  limit: number;
  windowMs: number;
  /** milliseconds since the epoch; tests substitute a controllable clock */
  now?: () => number;
  /** keys kept at most: beyond, expired windows are swept and then the oldest dropped (memory stays bounded) */
  maxKeys?: number;
}

interface Window {
  startedAt: number;
  count: number;
}

/**
 * An in-memory fixed-window limiter: each key's window opens with its first request and lasts `windowMs`; at most
 * `limit` requests are allowed in it. State is per process (per instance of the function app in Azure), so a caller
 * served by n instances may make up to n × limit requests a window, and a caller may make up to 2 × limit requests
 * across the boundary of two windows. Refusals are not counted, so a client that waits `retryAfterSeconds` gets in.
 */
export class FixedWindowRateLimiter implements RateLimiter {
  readonly #windows = new Map<string, Window>();
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #maxKeys: number;

  constructor(options: FixedWindowOptions) {
    this.#limit = options.limit;
    this.#windowMs = options.windowMs;
    this.#now = options.now ?? Date.now;
    this.#maxKeys = options.maxKeys ?? 100_000;
  }

  take(key: string): RateDecision {
    const now = this.#now();
    let window = this.#windows.get(key);
    if (!window || now - window.startedAt >= this.#windowMs) {
      // a new window goes to the end of the map's order, so that the map's first keys are the oldest windows
      if (window) this.#windows.delete(key);
      else this.#makeRoom(now);
      window = { startedAt: now, count: 0 };
      this.#windows.set(key, window);
    }
    if (window.count >= this.#limit) {
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((window.startedAt + this.#windowMs - now) / 1000)) };
    }
    window.count++;
    return { allowed: true };
  }

  /** how many keys are tracked (for tests of the memory bound) */
  get size(): number {
    return this.#windows.size;
  }

  #makeRoom(now: number): void {
    if (this.#windows.size < this.#maxKeys) return;
    for (const [key, window] of this.#windows) {
      if (now - window.startedAt >= this.#windowMs) this.#windows.delete(key);
    }
    // still full of live windows (many distinct keys within one window): drop the oldest keys, which then start afresh
    for (const key of this.#windows.keys()) {
      if (this.#windows.size < this.#maxKeys) break;
      this.#windows.delete(key);
    }
  }
}

/**
 * The quota of user routes (PRODUCT.md, "Quotas"): each caller has one window per environment it names in the path
 * and one for the routes that name none (such as `POST /environments`), so that environment creation is
 * throttled per caller too. 429 `TooManyRequests` with Retry-After once the window is used up.
 */
export function checkRateLimit(limiter: RateLimiter, callerId: string, environmentId: string | undefined): void {
  const decision = limiter.take(`${callerId}\n${(environmentId ?? '').toLowerCase()}`);
  if (decision.allowed) return;
  throw new AppError(
    'TooManyRequests',
    `Too many requests from this caller${environmentId ? ' in this environment' : ''}; retry after ${decision.retryAfterSeconds} s.`,
    { retryAfterSeconds: decision.retryAfterSeconds },
  );
}
