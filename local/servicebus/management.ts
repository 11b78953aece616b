import rhea from 'rhea';
import type { Message } from 'rhea';
import { encodeDeliveredMessage, isRecord, lockTokenFromUuid } from './brokered-message.js';
import { LOCK_LOST_CONDITION } from './dispositions.js';
import { decodeMessage } from './message-codec.js';
import type { Queue } from './queue-store.js';
import type { Settlement, SubQueue } from './sub-queue.js';

/** Answer to a `$management` request; statusCode/statusDescription/errorCondition are what the SDK reads. */
export interface ManagementReply {
  statusCode: number;
  statusDescription: string;
  errorCondition?: string;
  body?: unknown;
}

export interface ManagementTarget {
  queue: Queue;
  deadLetter: boolean;
}

const Operation = {
  peek: 'com.microsoft:peek-message',
  renewLock: 'com.microsoft:renew-lock',
  schedule: 'com.microsoft:schedule-message',
  cancelScheduled: 'com.microsoft:cancel-scheduled-message',
  updateDisposition: 'com.microsoft:update-disposition',
  receiveBySequenceNumber: 'com.microsoft:receive-by-sequence-number',
} as const;

const AMQP_LONG = 0x81;
const AMQP_TIMESTAMP = 0x83;

class ManagementError extends Error {
  constructor(
    readonly statusCode: number,
    readonly errorCondition: string,
    message: string,
  ) {
    super(message);
  }
}

/** Handles one request on `<queue>/$management` (or its dead-letter queue's). Never throws. */
export function handleManagementRequest(request: Message, target: ManagementTarget): ManagementReply {
  const properties: unknown = request.application_properties;
  const operation = isRecord(properties) ? properties.operation : undefined;
  const body: Record<string, unknown> = isRecord(request.body) ? request.body : {};
  try {
    switch (operation) {
      case Operation.peek:
        return peek(subQueueOf(target), body);
      case Operation.renewLock:
        return renewLock(target, body);
      case Operation.schedule:
        return schedule(target, body);
      case Operation.cancelScheduled:
        return cancelScheduled(target, body);
      case Operation.updateDisposition:
        return updateDisposition(target, body);
      case Operation.receiveBySequenceNumber:
        return receiveBySequenceNumber(subQueueOf(target), body);
      default:
        return error(501, 'amqp:not-implemented', `Operation ${String(operation)} is not supported by the local Service Bus peer.`);
    }
  } catch (cause) {
    if (cause instanceof ManagementError) return error(cause.statusCode, cause.errorCondition, cause.message);
    return error(400, 'amqp:invalid-field', cause instanceof Error ? cause.message : String(cause));
  }
}

function peek(subQueue: SubQueue, body: Record<string, unknown>): ManagementReply {
  const from = toSequenceNumber(body['from-sequence-number']);
  const count = typeof body['message-count'] === 'number' ? body['message-count'] : 1;
  const peeked = subQueue.peek(from, count);
  if (!peeked.length) return { statusCode: 204, statusDescription: 'No messages' };
  const messages = peeked.map((entry) => ({ message: encodeDeliveredMessage(entry.message, entry) }));
  return ok({ messages });
}

function renewLock(target: ManagementTarget, body: Record<string, unknown>): ManagementReply {
  const expirations = lockTokensOf(body).map((lockToken) => {
    const lockedUntil = bothSubQueues(target)
      .map((subQueue) => subQueue.renewLock(lockToken))
      .find((until) => until !== undefined);
    if (lockedUntil === undefined) throw lockLost(lockToken);
    return lockedUntil;
  });
  return ok({ expirations: rhea.types.wrap_array(expirations, AMQP_TIMESTAMP, undefined) });
}

function schedule(target: ManagementTarget, body: Record<string, unknown>): ManagementReply {
  if (target.deadLetter) throw new ManagementError(400, 'amqp:not-allowed', 'Cannot schedule messages on a dead-letter queue.');
  const entries = Array.isArray(body.messages) ? body.messages : [];
  const sequenceNumbers = entries.map((entry: unknown) => {
    if (!isRecord(entry) || !Buffer.isBuffer(entry.message)) throw new Error('schedule-message entry without an encoded message');
    return target.queue.send(decodeMessage(entry.message));
  });
  return ok({ 'sequence-numbers': rhea.types.wrap_array(sequenceNumbers, AMQP_LONG, undefined) });
}

function cancelScheduled(target: ManagementTarget, body: Record<string, unknown>): ManagementReply {
  const sequenceNumbers = sequenceNumbersOf(body);
  const main = target.queue.main;
  const missing = sequenceNumbers.filter((n) => !main.isScheduled(n));
  if (missing.length) {
    throw new ManagementError(404, 'com.microsoft:message-not-found', `No scheduled message with sequence number ${missing.join(', ')}.`);
  }
  for (const sequenceNumber of sequenceNumbers) main.cancelScheduled(sequenceNumber);
  return ok();
}

function updateDisposition(target: ManagementTarget, body: Record<string, unknown>): ManagementReply {
  const settlement = settlementFromStatus(body);
  const lost = lockTokensOf(body).filter((lockToken) => !bothSubQueues(target).some((subQueue) => subQueue.settle(lockToken, settlement)));
  if (lost.length) throw lockLost(lost.join(', '));
  return ok();
}

function receiveBySequenceNumber(subQueue: SubQueue, body: Record<string, unknown>): ManagementReply {
  const mode = body['receiver-settle-mode'] === 0 ? 'receiveAndDelete' : 'peekLock';
  const { received, missing } = subQueue.receiveDeferred(sequenceNumbersOf(body), mode);
  if (missing.length) {
    throw new ManagementError(404, 'com.microsoft:message-not-found', `No deferred message with sequence number ${missing.join(', ')}.`);
  }
  const messages = received.map(({ message, lock }) => {
    const encoded = encodeDeliveredMessage(message, { state: 'deferred', lockedUntil: lock?.lockedUntil });
    return lock ? { 'lock-token': rhea.types.wrap_uuid(rhea.string_to_uuid(lock.lockToken)), message: encoded } : { message: encoded };
  });
  return ok({ messages });
}

function settlementFromStatus(body: Record<string, unknown>): Settlement {
  const propertiesToModify = isRecord(body['properties-to-modify']) ? body['properties-to-modify'] : undefined;
  switch (body['disposition-status']) {
    case 'completed':
      return { kind: 'complete' };
    case 'abandoned':
      return { kind: 'abandon', propertiesToModify };
    case 'defered':
      return { kind: 'defer', propertiesToModify };
    case 'suspended':
      return {
        kind: 'deadLetter',
        reason: typeof body['deadletter-reason'] === 'string' ? body['deadletter-reason'] : undefined,
        description: typeof body['deadletter-description'] === 'string' ? body['deadletter-description'] : undefined,
        propertiesToModify,
      };
    default:
      throw new Error(`Unknown disposition-status ${String(body['disposition-status'])}`);
  }
}

function subQueueOf(target: ManagementTarget): SubQueue {
  return target.queue.subQueue(target.deadLetter);
}

/** Lock tokens are unique, so a token is looked up in both the queue and its dead-letter queue. */
function bothSubQueues(target: ManagementTarget): SubQueue[] {
  return [target.queue.subQueue(target.deadLetter), target.queue.subQueue(!target.deadLetter)];
}

function lockTokensOf(body: Record<string, unknown>): string[] {
  const tokens = Array.isArray(body['lock-tokens']) ? body['lock-tokens'] : [];
  return tokens.map((uuid: unknown) => {
    const token = lockTokenFromUuid(uuid);
    if (!token) throw new Error('lock-tokens must be uuids');
    return token;
  });
}

function sequenceNumbersOf(body: Record<string, unknown>): number[] {
  const values = Array.isArray(body['sequence-numbers']) ? body['sequence-numbers'] : [];
  return values.map(toSequenceNumber);
}

/** AMQP longs decode to numbers, or to 8-byte buffers when beyond 2^53. */
function toSequenceNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (Buffer.isBuffer(value) && value.length === 8) return Number(value.readBigInt64BE());
  throw new Error('sequence numbers must be AMQP longs');
}

function lockLost(what: string): ManagementError {
  return new ManagementError(
    410,
    LOCK_LOST_CONDITION,
    `The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue. Lock token: ${what}`,
  );
}

function ok(body?: unknown): ManagementReply {
  return body === undefined ? { statusCode: 200, statusDescription: 'OK' } : { statusCode: 200, statusDescription: 'OK', body };
}

function error(statusCode: number, errorCondition: string, statusDescription: string): ManagementReply {
  return { statusCode, statusDescription, errorCondition };
}
