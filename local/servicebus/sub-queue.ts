import { randomUUID } from 'node:crypto';
import { isExpired, mergeApplicationProperties } from './brokered-message.js';
import type { BrokeredMessage, MessageState } from './brokered-message.js';
import type { QueueSettings } from './queue-properties.js';

export type Settlement =
  | { kind: 'complete' }
  | { kind: 'abandon'; propertiesToModify?: Record<string, unknown> }
  | { kind: 'defer'; propertiesToModify?: Record<string, unknown> }
  | { kind: 'deadLetter'; reason?: string; description?: string; propertiesToModify?: Record<string, unknown> };

export interface LockedMessage {
  message: BrokeredMessage;
  lockToken: string;
  lockedUntil: number;
}

export interface PeekedMessage {
  message: BrokeredMessage;
  state: MessageState;
  lockedUntil?: number;
}

export interface SubQueueCounts {
  available: number;
  locked: number;
  scheduled: number;
  deferred: number;
}

/** What a sub-queue needs from the queue that owns it. */
export interface SubQueueOwner {
  readonly settings: QueueSettings;
  /** Moves a message into the queue's dead-letter sub-queue. */
  deadLetter(message: BrokeredMessage, reason: string | undefined, description: string | undefined): void;
  duplicateDeliveryRate(): number;
  /** how long a lock given out now lasts: the queue's lock duration, unless a fault shortens it */
  lockDurationMs(): number;
  recordFault(event: 'duplicateInjected' | 'lockExpired'): void;
  recordOperation(op: QueueOperation): void;
}

/** What a client did to a queue: the operations the bench counts per run. */
export type QueueOperation = 'send' | 'receive' | 'complete' | 'abandon' | 'deadLetter' | 'defer';

interface Lock {
  message: BrokeredMessage;
  lockedUntil: number;
  timer: NodeJS.Timeout;
  /** Deferred messages received by sequence number go back to the deferred set, not to the available list. */
  returnTo: 'available' | 'deferred';
}

/** Longest delay setTimeout accepts; later schedules re-arm. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * One receivable entity: a queue or its dead-letter queue. Holds messages by state (available, locked,
 * scheduled, deferred) and tells listeners when messages become available, so the AMQP side can deliver.
 */
export class SubQueue {
  private readonly available: BrokeredMessage[] = [];
  private readonly locks = new Map<string, Lock>();
  private readonly scheduled = new Map<number, { message: BrokeredMessage; at: number; timer: NodeJS.Timeout }>();
  private readonly deferred = new Map<number, BrokeredMessage>();
  private readonly availabilityListeners = new Set<() => void>();

  constructor(
    readonly isDeadLetterQueue: boolean,
    private readonly owner: SubQueueOwner,
  ) {}

  /** Returns the unsubscribe function. */
  onAvailable(listener: () => void): () => void {
    this.availabilityListeners.add(listener);
    return () => this.availabilityListeners.delete(listener);
  }

  enqueue(message: BrokeredMessage): void {
    this.insertAvailable(message);
    this.notifyAvailable();
  }

  schedule(message: BrokeredMessage, at: number): void {
    const arm = (): NodeJS.Timeout =>
      setTimeout(
        () => {
          const entry = this.scheduled.get(message.sequenceNumber);
          if (!entry) return;
          if (at > Date.now()) {
            entry.timer = arm();
            return;
          }
          this.scheduled.delete(message.sequenceNumber);
          message.enqueuedAt = Date.now();
          this.enqueue(message);
        },
        Math.min(Math.max(0, at - Date.now()), MAX_TIMER_MS),
      ).unref();
    this.scheduled.set(message.sequenceNumber, { message, at, timer: arm() });
  }

  cancelScheduled(sequenceNumber: number): boolean {
    const entry = this.scheduled.get(sequenceNumber);
    if (!entry) return false;
    clearTimeout(entry.timer);
    this.scheduled.delete(sequenceNumber);
    return true;
  }

  isScheduled(sequenceNumber: number): boolean {
    return this.scheduled.has(sequenceNumber);
  }

  hasAvailable(): boolean {
    this.dropExpiredHead(Date.now());
    return this.available.length > 0;
  }

  /** Receive-and-delete. */
  take(): BrokeredMessage | undefined {
    this.dropExpiredHead(Date.now());
    const message = this.available.shift();
    if (message) this.owner.recordOperation('receive');
    return message;
  }

  /** Peek-lock. */
  lock(): LockedMessage | undefined {
    this.dropExpiredHead(Date.now());
    const message = this.available.shift();
    if (message) this.owner.recordOperation('receive');
    return message ? this.createLock(message, 'available') : undefined;
  }

  /** Returns false when the lock is unknown or expired (the SDK's MessageLockLost). */
  settle(lockToken: string, settlement: Settlement): boolean {
    const lock = this.releaseLock(lockToken);
    if (!lock) return false;
    const { message } = lock;
    this.owner.recordOperation(settlement.kind);
    switch (settlement.kind) {
      case 'complete':
        this.maybeInjectDuplicate(message);
        break;
      case 'abandon':
        mergeApplicationProperties(message, settlement.propertiesToModify);
        this.failedDelivery(message, lock.returnTo);
        break;
      case 'defer':
        mergeApplicationProperties(message, settlement.propertiesToModify);
        this.deferred.set(message.sequenceNumber, message);
        break;
      case 'deadLetter':
        mergeApplicationProperties(message, settlement.propertiesToModify);
        this.deadLetterOrDrop(message, settlement.reason, settlement.description);
        break;
    }
    return true;
  }

  /** New lock expiry in epoch ms, or undefined when the lock is already lost. */
  renewLock(lockToken: string): number | undefined {
    const lock = this.locks.get(lockToken);
    if (!lock) return undefined;
    clearTimeout(lock.timer);
    lock.lockedUntil = Date.now() + this.owner.lockDurationMs();
    lock.timer = this.lockTimer(lockToken, lock.lockedUntil);
    return lock.lockedUntil;
  }

  /** Deferred messages by sequence number; `missing` lists those that are not deferred here. */
  receiveDeferred(
    sequenceNumbers: number[],
    mode: 'peekLock' | 'receiveAndDelete',
  ): { received: Array<{ message: BrokeredMessage; lock?: LockedMessage }>; missing: number[] } {
    const missing = sequenceNumbers.filter((n) => !this.deferred.has(n));
    if (missing.length) return { received: [], missing };
    const received = sequenceNumbers.map((sequenceNumber) => {
      const message = this.deferred.get(sequenceNumber)!;
      this.deferred.delete(sequenceNumber);
      return mode === 'peekLock' ? { message, lock: this.createLock(message, 'deferred') } : { message };
    });
    return { received, missing: [] };
  }

  /** Everything in the entity from a sequence number on, in order, without locking. */
  peek(fromSequenceNumber: number, maxCount: number): PeekedMessage[] {
    this.dropExpired(Date.now());
    const all: PeekedMessage[] = [
      ...this.available.map((message) => ({ message, state: 'active' as const })),
      ...[...this.locks.values()].map((lock) => ({ message: lock.message, state: 'active' as const, lockedUntil: lock.lockedUntil })),
      ...[...this.scheduled.values()].map(({ message }) => ({ message, state: 'scheduled' as const })),
      ...[...this.deferred.values()].map((message) => ({ message, state: 'deferred' as const })),
    ];
    return all
      .filter((entry) => entry.message.sequenceNumber >= fromSequenceNumber)
      .sort((a, b) => a.message.sequenceNumber - b.message.sequenceNumber)
      .slice(0, maxCount);
  }

  counts(): SubQueueCounts {
    this.dropExpired(Date.now());
    return { available: this.available.length, locked: this.locks.size, scheduled: this.scheduled.size, deferred: this.deferred.size };
  }

  dispose(): void {
    for (const lock of this.locks.values()) clearTimeout(lock.timer);
    for (const entry of this.scheduled.values()) clearTimeout(entry.timer);
    this.locks.clear();
    this.scheduled.clear();
    this.available.length = 0;
    this.deferred.clear();
    this.availabilityListeners.clear();
  }

  private createLock(message: BrokeredMessage, returnTo: Lock['returnTo']): LockedMessage {
    const lockToken = randomUUID();
    const lockedUntil = Date.now() + this.owner.lockDurationMs();
    this.locks.set(lockToken, { message, lockedUntil, returnTo, timer: this.lockTimer(lockToken, lockedUntil) });
    return { message, lockToken, lockedUntil };
  }

  /** Expires the lock at `lockedUntil` (the instant the receiver was told), whatever the duration setting says now. */
  private lockTimer(lockToken: string, lockedUntil: number): NodeJS.Timeout {
    return setTimeout(
      () => {
        const lock = this.releaseLock(lockToken);
        if (!lock) return;
        this.owner.recordFault('lockExpired');
        this.failedDelivery(lock.message, lock.returnTo);
      },
      Math.max(0, lockedUntil - Date.now()),
    ).unref();
  }

  private releaseLock(lockToken: string): Lock | undefined {
    const lock = this.locks.get(lockToken);
    if (!lock) return undefined;
    clearTimeout(lock.timer);
    this.locks.delete(lockToken);
    return lock;
  }

  /** Abandon or lock expiry: count the delivery, then redeliver or dead-letter. */
  private failedDelivery(message: BrokeredMessage, returnTo: Lock['returnTo']): void {
    message.deliveryCount += 1;
    const { maxDeliveryCount } = this.owner.settings;
    if (!this.isDeadLetterQueue && message.deliveryCount >= maxDeliveryCount) {
      this.owner.deadLetter(message, 'MaxDeliveryCountExceeded', `Message could not be consumed after ${maxDeliveryCount} delivery attempts.`);
    } else if (returnTo === 'deferred') {
      this.deferred.set(message.sequenceNumber, message);
    } else {
      this.enqueue(message);
    }
  }

  private deadLetterOrDrop(message: BrokeredMessage, reason: string | undefined, description: string | undefined): void {
    // A message dead-lettered from the dead-letter queue itself is simply removed, as in the service.
    if (!this.isDeadLetterQueue) this.owner.deadLetter(message, reason, description);
  }

  private maybeInjectDuplicate(message: BrokeredMessage): void {
    if (message.injectedDuplicate || Math.random() >= this.owner.duplicateDeliveryRate()) return;
    this.owner.recordFault('duplicateInjected');
    this.enqueue({ ...message, amqp: { ...message.amqp }, deliveryCount: message.deliveryCount + 1, injectedDuplicate: true });
  }

  private insertAvailable(message: BrokeredMessage): void {
    const list = this.available;
    const last = list[list.length - 1];
    if (!last || last.sequenceNumber < message.sequenceNumber) {
      list.push(message);
      return;
    }
    let low = 0;
    let high = list.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (list[mid]!.sequenceNumber < message.sequenceNumber) low = mid + 1;
      else high = mid;
    }
    list.splice(low, 0, message);
  }

  private notifyAvailable(): void {
    for (const listener of [...this.availabilityListeners]) listener();
  }

  private dropExpiredHead(now: number): void {
    while (this.available[0] && isExpired(this.available[0], now)) this.expire(this.available.shift()!);
  }

  private dropExpired(now: number): void {
    for (let i = this.available.length - 1; i >= 0; i--) {
      const message = this.available[i]!;
      if (isExpired(message, now)) {
        this.available.splice(i, 1);
        this.expire(message);
      }
    }
  }

  private expire(message: BrokeredMessage): void {
    if (this.owner.settings.deadLetteringOnMessageExpiration) {
      this.deadLetterOrDrop(message, 'TTLExpiredException', 'The message expired and was dead lettered.');
    }
  }
}
