import { createHash } from 'node:crypto';

/**
 * A GUID-shaped id derived from its parts. Ids the driver creates while executing an episode (child
 * executions, entity request ids, the next execution after continueAsNew) must come out the same when the
 * episode runs again after a crash, so that its writes are idempotent.
 */
export function deterministicId(...parts: Array<string | number>): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
