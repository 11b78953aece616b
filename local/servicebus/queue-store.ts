import type { Message } from 'rhea';
import { createBrokeredMessage, mergeApplicationProperties, scheduledEnqueueTime } from './brokered-message.js';
import type { BrokeredMessage } from './brokered-message.js';
import { resolveQueueSettings } from './queue-properties.js';
import type { QueueProperties, QueueSettings } from './queue-properties.js';
import { SubQueue } from './sub-queue.js';
import type { QueueOperation, SubQueueOwner } from './sub-queue.js';

export type { QueueOperation };

export interface QueueCounts {
  /** available for delivery now, plus deferred */
  active: number;
  scheduled: number;
  deadLetter: number;
  locked: number;
}

export interface FaultSettings {
  duplicateDeliveryRate(): number;
  /** when set, every lock given out lasts this many ms instead of the queue's lock duration (expired-lock fault) */
  lockDurationOverrideMs?(): number | undefined;
  /** told of every injected duplicate and every lock that expired before its message was settled */
  record?(event: 'duplicateInjected' | 'lockExpired'): void;
  /** told of every operation a client made, as Service Bus bills them (a send, a receive, a settlement) */
  operation?(op: QueueOperation): void;
}

/** A queue with its dead-letter sub-queue and its own sequence numbers. */
export class Queue implements SubQueueOwner {
  readonly main: SubQueue;
  readonly deadLetterQueue: SubQueue;
  readonly createdAt = new Date();
  updatedAt = new Date();
  accessedAt = new Date();
  private nextSequenceNumber = 1;

  constructor(
    readonly name: string,
    public settings: QueueSettings,
    private readonly faults: FaultSettings,
  ) {
    this.main = new SubQueue(false, this);
    this.deadLetterQueue = new SubQueue(true, this);
  }

  subQueue(deadLetter: boolean): SubQueue {
    return deadLetter ? this.deadLetterQueue : this.main;
  }

  /** A message from a sender link: active now, or scheduled when it carries a future `x-opt-scheduled-enqueue-time`. */
  send(sent: Message): number {
    this.recordOperation('send');
    const at = scheduledEnqueueTime(sent);
    return at !== undefined && at > Date.now() ? this.schedule(sent, at) : this.enqueue(sent);
  }

  schedule(sent: Message, at: number): number {
    const message = this.admit(sent);
    this.main.schedule(message, at);
    return message.sequenceNumber;
  }

  deadLetter(message: BrokeredMessage, reason: string | undefined, description: string | undefined): void {
    mergeApplicationProperties(message, { DeadLetterReason: reason, DeadLetterErrorDescription: description });
    message.timeToLiveMs = undefined;
    this.deadLetterQueue.enqueue(message);
  }

  duplicateDeliveryRate(): number {
    return this.faults.duplicateDeliveryRate();
  }

  recordFault(event: 'duplicateInjected' | 'lockExpired'): void {
    this.faults.record?.(event);
  }

  recordOperation(op: QueueOperation): void {
    this.faults.operation?.(op);
  }

  lockDurationMs(): number {
    return this.faults.lockDurationOverrideMs?.() ?? this.settings.lockDurationMs;
  }

  counts(): QueueCounts {
    const main = this.main.counts();
    const deadLetter = this.deadLetterQueue.counts();
    return {
      active: main.available + main.deferred,
      scheduled: main.scheduled,
      deadLetter: deadLetter.available + deadLetter.locked + deadLetter.deferred,
      locked: main.locked,
    };
  }

  update(properties: Partial<QueueProperties>): void {
    this.settings = resolveQueueSettings(properties);
    this.updatedAt = new Date();
  }

  dispose(): void {
    this.main.dispose();
    this.deadLetterQueue.dispose();
  }

  private enqueue(sent: Message): number {
    const message = this.admit(sent);
    this.main.enqueue(message);
    return message.sequenceNumber;
  }

  private admit(sent: Message): BrokeredMessage {
    this.accessedAt = new Date();
    return createBrokeredMessage(sent, this.nextSequenceNumber++, Date.now(), this.settings.defaultMessageTimeToLiveMs);
  }
}

/** The namespace: queues by name. Names are case-insensitive, as in Service Bus. */
export class QueueStore {
  private readonly queues = new Map<string, Queue>();
  private readonly deletedListeners = new Set<(queue: Queue) => void>();

  constructor(private readonly faults: FaultSettings) {}

  /** undefined when a queue of that name already exists. Throws RangeError for invalid properties. */
  create(name: string, properties: Partial<QueueProperties>): Queue | undefined {
    const key = name.toLowerCase();
    if (this.queues.has(key)) return undefined;
    const queue = new Queue(name, resolveQueueSettings(properties), this.faults);
    this.queues.set(key, queue);
    return queue;
  }

  get(name: string): Queue | undefined {
    return this.queues.get(name.toLowerCase());
  }

  delete(name: string): boolean {
    const queue = this.get(name);
    if (!queue) return false;
    this.queues.delete(name.toLowerCase());
    queue.dispose();
    for (const listener of this.deletedListeners) listener(queue);
    return true;
  }

  list(): Queue[] {
    return [...this.queues.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  onDeleted(listener: (queue: Queue) => void): void {
    this.deletedListeners.add(listener);
  }

  dispose(): void {
    for (const queue of this.queues.values()) queue.dispose();
    this.queues.clear();
    this.deletedListeners.clear();
  }
}
