import { randomUUID } from 'node:crypto';
import rhea from 'rhea';
import type { Message } from 'rhea';
import { encodeMessage } from './message-codec.js';

/** Message annotations the broker owns (names as in @azure/core-amqp's Constants). */
export const Annotation = {
  enqueuedTime: 'x-opt-enqueued-time',
  sequenceNumber: 'x-opt-sequence-number',
  enqueueSequenceNumber: 'x-opt-enqueue-sequence-number',
  lockedUntil: 'x-opt-locked-until',
  scheduledEnqueueTime: 'x-opt-scheduled-enqueue-time',
  messageState: 'x-opt-message-state',
} as const;

const BROKER_OWNED = new Set<string>([
  Annotation.enqueuedTime,
  Annotation.sequenceNumber,
  Annotation.enqueueSequenceNumber,
  Annotation.lockedUntil,
  Annotation.messageState,
]);

/** Values of `x-opt-message-state`, as the SDK reads them. */
export const MessageStateCode = { active: 0, deferred: 1, scheduled: 2 } as const;
export type MessageState = keyof typeof MessageStateCode;

export interface BrokeredMessage {
  readonly sequenceNumber: number;
  /** The message as the client sent it, without broker annotations; application_properties may be changed by settlement. */
  amqp: Message;
  enqueuedAt: number;
  /** undefined = never expires (also for everything in a dead-letter queue) */
  timeToLiveMs: number | undefined;
  /** AMQP header delivery-count: failed deliveries so far (0 on the first delivery). */
  deliveryCount: number;
  /** Marks the extra copy the duplicate-delivery fault adds, so that a copy is never copied again. */
  injectedDuplicate: boolean;
}

export function createBrokeredMessage(sent: Message, sequenceNumber: number, enqueuedAt: number, defaultTimeToLiveMs: number | undefined): BrokeredMessage {
  const amqp = { ...sent } as Message;
  // Like the service: a message sent without an id gets one (32 hex digits). The SDK relies on it, e.g. to stop lock renewal.
  if (amqp.message_id === undefined || amqp.message_id === null) amqp.message_id = randomUUID().replace(/-/g, '');
  amqp.message_annotations = withoutBrokerAnnotations(sent.message_annotations);
  const messageTtl = typeof sent.ttl === 'number' && sent.ttl > 0 ? sent.ttl : undefined;
  return {
    sequenceNumber,
    amqp,
    enqueuedAt,
    timeToLiveMs: minDefined(messageTtl, defaultTimeToLiveMs),
    deliveryCount: 0,
    injectedDuplicate: false,
  };
}

export function isExpired(message: BrokeredMessage, now: number): boolean {
  return message.timeToLiveMs !== undefined && message.enqueuedAt + message.timeToLiveMs <= now;
}

/** `x-opt-scheduled-enqueue-time` of a sent message in epoch ms, if any. */
export function scheduledEnqueueTime(sent: Message): number | undefined {
  const annotations: unknown = sent.message_annotations;
  if (!isRecord(annotations)) return undefined;
  const value = annotations[Annotation.scheduledEnqueueTime];
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value;
  return undefined;
}

export interface DeliveryView {
  state: MessageState;
  lockedUntil?: number;
}

/** The message as the broker hands it out: with sequence number, enqueued time, lock expiry and delivery count. */
export function toDeliveredMessage(message: BrokeredMessage, view: DeliveryView): Message {
  const annotations: Record<string, unknown> = {
    ...(isRecord(message.amqp.message_annotations) ? message.amqp.message_annotations : {}),
    [Annotation.enqueuedTime]: new Date(message.enqueuedAt),
    [Annotation.sequenceNumber]: rhea.types.wrap_long(message.sequenceNumber),
    [Annotation.enqueueSequenceNumber]: rhea.types.wrap_long(message.sequenceNumber),
  };
  if (view.lockedUntil !== undefined) annotations[Annotation.lockedUntil] = new Date(view.lockedUntil);
  if (view.state !== 'active') annotations[Annotation.messageState] = rhea.types.wrap_int(MessageStateCode[view.state]);
  return { ...message.amqp, delivery_count: message.deliveryCount, message_annotations: annotations } as Message;
}

export function encodeDeliveredMessage(message: BrokeredMessage, view: DeliveryView): Buffer {
  return encodeMessage(toDeliveredMessage(message, view));
}

/**
 * Service Bus sends lock tokens as delivery tags in .NET GUID byte order; the SDK swaps the first three
 * groups back before formatting (`reorderLockToken`). Management requests carry them as plain AMQP uuids.
 */
export function lockTokenToDeliveryTag(lockToken: string): Buffer {
  const bytes = Buffer.from(rhea.string_to_uuid(lockToken));
  return Buffer.from([bytes[3]!, bytes[2]!, bytes[1]!, bytes[0]!, bytes[5]!, bytes[4]!, bytes[7]!, bytes[6]!, ...bytes.subarray(8)]);
}

export function lockTokenFromUuid(uuid: unknown): string | undefined {
  if (Buffer.isBuffer(uuid) && uuid.length === 16) return rhea.uuid_to_string(uuid);
  if (typeof uuid === 'string') return uuid.toLowerCase();
  return undefined;
}

export function mergeApplicationProperties(message: BrokeredMessage, properties: Record<string, unknown> | undefined): void {
  if (!properties) return;
  const current = isRecord(message.amqp.application_properties) ? message.amqp.application_properties : {};
  const defined = Object.entries(properties).filter(([, value]) => value !== undefined && value !== null);
  message.amqp.application_properties = { ...current, ...Object.fromEntries(defined) };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

function withoutBrokerAnnotations(annotations: unknown): Record<string, unknown> | undefined {
  if (!isRecord(annotations)) return undefined;
  const kept = Object.entries(annotations).filter(([key]) => !BROKER_OWNED.has(key));
  return kept.length ? Object.fromEntries(kept) : undefined;
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
