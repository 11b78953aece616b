import type { DescriptionElement } from './atom-entry.js';
import { NEVER_MS, parseIsoDuration } from './durations.js';
import { NotSupportedByPeerError, SESSIONS_NOT_SUPPORTED } from './not-supported.js';
import type { QueueProperties } from './queue-properties.js';

type Apply = (value: string, properties: Partial<QueueProperties>, element: DescriptionElement) => void;

const refuseIf =
  (refused: (value: string, element: DescriptionElement) => boolean, message: string): Apply =>
  (value, _properties, element) => {
    if (refused(value, element)) throw new NotSupportedByPeerError(message);
  };

const isTrue = (name: string) => (value: string) => boolean(name, value);
const ignore: Apply = () => undefined;

/**
 * Every QueueDescription element ServiceBusAdministrationClient writes (its buildQueueOptions), and what the
 * peer does with it: keep it, accept it without effect (reported back where the SDK reads it), or refuse a value
 * whose behaviour the peer does not implement. Elements not listed are refused too.
 */
const ELEMENTS: Record<string, Apply> = {
  LockDuration: (value, p) => (p.lockDuration = value),
  MaxDeliveryCount: (value, p) => (p.maxDeliveryCount = integer('MaxDeliveryCount', value)),
  DefaultMessageTimeToLive: (value, p) => (p.defaultMessageTimeToLive = value),
  DeadLetteringOnMessageExpiration: (value, p) => (p.deadLetteringOnMessageExpiration = boolean('DeadLetteringOnMessageExpiration', value)),
  MaxSizeInMegabytes: (value, p) => (p.maxSizeInMegabytes = integer('MaxSizeInMegabytes', value)),
  DuplicateDetectionHistoryTimeWindow: (value, p) => (p.duplicateDetectionHistoryTimeWindow = value),
  EnableBatchedOperations: (value, p) => (p.enableBatchedOperations = boolean('EnableBatchedOperations', value)),
  EnableExpress: (value, p) => (p.enableExpress = boolean('EnableExpress', value)),
  UserMetadata: (value, p) => (p.userMetadata = value),

  RequiresSession: refuseIf(isTrue('RequiresSession'), SESSIONS_NOT_SUPPORTED),
  RequiresDuplicateDetection: refuseIf(
    isTrue('RequiresDuplicateDetection'),
    'Duplicate detection (requiresDuplicateDetection) is not supported by the local Service Bus peer.',
  ),
  EnablePartitioning: refuseIf(isTrue('EnablePartitioning'), 'Partitioned queues (enablePartitioning) are not supported by the local Service Bus peer.'),
  ForwardTo: refuseIf((value) => value !== '', 'Auto-forwarding (forwardTo) is not supported by the local Service Bus peer.'),
  ForwardDeadLetteredMessagesTo: refuseIf(
    (value) => value !== '',
    'Forwarding dead-lettered messages (forwardDeadLetteredMessagesTo) is not supported by the local Service Bus peer.',
  ),
  AutoDeleteOnIdle: refuseIf(
    (value) => parseIsoDuration(value) < NEVER_MS,
    'Deleting idle queues (autoDeleteOnIdle) is not supported by the local Service Bus peer; leave it at its default (never).',
  ),
  Status: refuseIf(
    (value) => value !== 'Active',
    'Only the Active status is supported by the local Service Bus peer (queues cannot be disabled for sending or receiving).',
  ),
  AuthorizationRules: refuseIf(
    (_value, element) => element.hasChildren,
    'Queue-level authorization rules are not supported by the local Service Bus peer (it checks no SAS signature).',
  ),
  MaxMessageSizeInKilobytes: refuseIf(
    (value) => integer('MaxMessageSizeInKilobytes', value) !== 256,
    'The local Service Bus peer is a Standard-tier namespace: maxMessageSizeInKilobytes is 256.',
  ),

  // Read-only: the service owns these and ignores them in a request.
  EntityAvailabilityStatus: ignore,
  SizeInBytes: ignore,
  MessageCount: ignore,
  CountDetails: ignore,
  CreatedAt: ignore,
  UpdatedAt: ignore,
  AccessedAt: ignore,
  IsAnonymousAccessible: ignore,
  SupportOrdering: ignore,
};

/**
 * The queue properties of a create/update request. Throws RangeError for malformed values (400, as the
 * service) and NotSupportedByPeerError for features the peer does not implement (501).
 */
export function queuePropertiesFromDescription(elements: Map<string, DescriptionElement>): Partial<QueueProperties> {
  const properties: Partial<QueueProperties> = {};
  for (const [name, element] of elements) {
    if (element.nil) continue;
    const apply = ELEMENTS[name];
    if (!apply) throw new NotSupportedByPeerError(`The queue property ${name} is not supported by the local Service Bus peer.`);
    apply(element.text, properties, element);
  }
  return properties;
}

function integer(name: string, value: string): number {
  const parsed = Number(value);
  if (value === '' || !Number.isInteger(parsed)) throw new RangeError(`${name} must be an integer, got ${value}`);
  return parsed;
}

function boolean(name: string, value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new RangeError(`${name} must be true or false, got ${value}`);
}
