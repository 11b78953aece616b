import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether two secrets are equal, in time that does not depend on where they differ nor on their lengths: both are
 * hashed to 32 bytes first, then compared with `timingSafeEqual`. Neither value is kept or logged.
 */
export function sameSecret(a: string, b: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}
