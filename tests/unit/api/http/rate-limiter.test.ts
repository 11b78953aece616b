import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../domain/errors/app-error.js';
import { checkRateLimit, FixedWindowRateLimiter } from '../../../../api/http/rate-limiter.js';

/** A clock the test moves by hand. */
function aClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('FixedWindowRateLimiter', () => {
  it('allows `limit` requests per key and window, then refuses with the seconds until the window frees', () => {
    const clock = aClock();
    const limiter = new FixedWindowRateLimiter({ limit: 3, windowMs: 60_000, now: clock.now });
    expect([1, 2, 3].map(() => limiter.take('alice').allowed)).toEqual([true, true, true]);
    expect(limiter.take('alice')).toEqual({ allowed: false, retryAfterSeconds: 60 });
    clock.advance(45_500);
    expect(limiter.take('alice')).toEqual({ allowed: false, retryAfterSeconds: 15 });
    clock.advance(14_000);
    expect(limiter.take('alice')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    clock.advance(500);
    // the window frees exactly when Retry-After said it would
    expect(limiter.take('alice')).toEqual({ allowed: true });
  });

  it('counts each key on its own, and does not count refusals', () => {
    const clock = aClock();
    const limiter = new FixedWindowRateLimiter({ limit: 2, windowMs: 60_000, now: clock.now });
    limiter.take('alice');
    limiter.take('alice');
    for (let i = 0; i < 10; i++) expect(limiter.take('alice').allowed).toBe(false);
    expect(limiter.take('bob')).toEqual({ allowed: true });
    clock.advance(60_000);
    expect(limiter.take('alice')).toEqual({ allowed: true });
    expect(limiter.take('alice')).toEqual({ allowed: true });
    expect(limiter.take('alice').allowed).toBe(false);
  });

  it('keeps at most maxKeys keys: expired windows go first, then the oldest', () => {
    const clock = aClock();
    const limiter = new FixedWindowRateLimiter({ limit: 1, windowMs: 1_000, now: clock.now, maxKeys: 3 });
    for (const key of ['a', 'b', 'c']) limiter.take(key);
    clock.advance(1_000);
    limiter.take('c'); // c's window starts again; a and b have expired
    limiter.take('d');
    expect(limiter.size).toBeLessThanOrEqual(3);
    expect(limiter.take('c').allowed).toBe(false);
    for (const key of ['e', 'f', 'g', 'h']) limiter.take(key);
    expect(limiter.size).toBeLessThanOrEqual(3);
  });
});

describe('checkRateLimit', () => {
  it('throws 429 TooManyRequests with Retry-After once the caller used up its window in an environment', () => {
    const clock = aClock();
    const limiter = new FixedWindowRateLimiter({ limit: 1, windowMs: 60_000, now: clock.now });
    checkRateLimit(limiter, 'alice', 'ENV-1');
    // another environment, and the routes without one, are windows of their own
    checkRateLimit(limiter, 'alice', 'env-2');
    checkRateLimit(limiter, 'alice', undefined);
    clock.advance(20_000);
    let thrown: unknown;
    try {
      checkRateLimit(limiter, 'alice', 'env-1');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({ code: 'TooManyRequests', status: 429, options: { retryAfterSeconds: 40 } });
    expect(() => checkRateLimit(limiter, 'bob', 'env-1')).not.toThrow();
  });
});
