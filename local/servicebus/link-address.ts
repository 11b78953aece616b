import { TOPICS_NOT_SUPPORTED, TRANSFER_DEAD_LETTER_NOT_SUPPORTED } from './not-supported.js';

/** What an AMQP link address points at on a Service Bus namespace. */
export interface EntityPath {
  queue: string;
  deadLetter: boolean;
}

export type LinkAddress = { kind: 'cbs' } | { kind: 'management'; entity: EntityPath } | { kind: 'entity'; entity: EntityPath };

const MANAGEMENT_SUFFIX = '/$management';
const DEAD_LETTER_SUFFIX = '/$deadletterqueue';

/** undefined for anything this peer does not serve (topics, subscriptions, nested paths). */
export function parseLinkAddress(address: string | undefined): LinkAddress | undefined {
  if (!address) return undefined;
  const path = withoutHost(address);
  if (path === '$cbs') return { kind: 'cbs' };
  if (path.toLowerCase().endsWith(MANAGEMENT_SUFFIX)) {
    const entity = parseEntityPath(path.slice(0, -MANAGEMENT_SUFFIX.length));
    return entity ? { kind: 'management', entity } : undefined;
  }
  const entity = parseEntityPath(path);
  return entity ? { kind: 'entity', entity } : undefined;
}

/**
 * Why the peer refuses an address the service would serve: subscriptions (`<topic>/Subscriptions/<name>`, with
 * their `$management` and dead-letter queue) and the transfer dead-letter queue. undefined for any other address.
 */
export function unsupportedAddressReason(address: string | undefined): string | undefined {
  const path = withoutHost(address ?? '');
  if (/\/subscriptions\/[^/]/i.test(path)) return TOPICS_NOT_SUPPORTED;
  if (/\/\$transfer\/\$deadletterqueue$/i.test(path)) return TRANSFER_DEAD_LETTER_NOT_SUPPORTED;
  return undefined;
}

export function formatEntityPath(entity: EntityPath): string {
  return entity.deadLetter ? `${entity.queue}/$DeadLetterQueue` : entity.queue;
}

/** Addresses may be absolute (`amqps://host/queue`, `sb://host/queue`). */
function withoutHost(address: string): string {
  return address.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]+\//i, '');
}

function parseEntityPath(path: string): EntityPath | undefined {
  const deadLetter = path.toLowerCase().endsWith(DEAD_LETTER_SUFFIX);
  const queue = deadLetter ? path.slice(0, -DEAD_LETTER_SUFFIX.length) : path;
  if (!queue || queue.includes('/') || queue.startsWith('$')) return undefined;
  return { queue, deadLetter };
}
