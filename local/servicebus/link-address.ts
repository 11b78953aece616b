/** What an AMQP link address points at on a Service Bus namespace. */
export interface EntityPath {
  queue: string;
  deadLetter: boolean;
}

export type LinkAddress =
  | { kind: 'cbs' }
  | { kind: 'management'; entity: EntityPath }
  | { kind: 'entity'; entity: EntityPath };

const MANAGEMENT_SUFFIX = '/$management';
const DEAD_LETTER_SUFFIX = '/$deadletterqueue';

/** undefined for anything this peer does not serve (topics, subscriptions, nested paths). */
export function parseLinkAddress(address: string | undefined): LinkAddress | undefined {
  if (!address) return undefined;
  // Addresses may be absolute (`amqps://host/queue`, `sb://host/queue`).
  const path = address.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]+\//i, '');
  if (path === '$cbs') return { kind: 'cbs' };
  if (path.toLowerCase().endsWith(MANAGEMENT_SUFFIX)) {
    const entity = parseEntityPath(path.slice(0, -MANAGEMENT_SUFFIX.length));
    return entity ? { kind: 'management', entity } : undefined;
  }
  const entity = parseEntityPath(path);
  return entity ? { kind: 'entity', entity } : undefined;
}

export function formatEntityPath(entity: EntityPath): string {
  return entity.deadLetter ? `${entity.queue}/$DeadLetterQueue` : entity.queue;
}

function parseEntityPath(path: string): EntityPath | undefined {
  const deadLetter = path.toLowerCase().endsWith(DEAD_LETTER_SUFFIX);
  const queue = deadLetter ? path.slice(0, -DEAD_LETTER_SUFFIX.length) : path;
  if (!queue || queue.includes('/') || queue.startsWith('$')) return undefined;
  return { queue, deadLetter };
}
