import type { AmqpError, Delivery, Sender } from 'rhea';
import { lockTokenToDeliveryTag, toDeliveredMessage } from './brokered-message.js';
import { LOCK_LOST_CONDITION, confirmationState, rejectionState, settlementFromDisposition } from './dispositions.js';
import type { DispositionEvent } from './dispositions.js';
import type { SubQueue } from './sub-queue.js';

export type ReceiveMode = 'peekLock' | 'receiveAndDelete';

interface Consumer {
  sender: Sender;
  subQueue: SubQueue;
  mode: ReceiveMode;
}

interface LockedDelivery {
  subQueue: SubQueue;
  lockToken: string;
}

const LOCK_LOST: AmqpError = {
  condition: LOCK_LOST_CONDITION,
  description: 'The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.',
};

/**
 * Delivers messages to receiver links (server-side senders) within their credit, and turns the client's
 * dispositions of peek-locked deliveries into settlements.
 */
export class DeliveryDispatcher {
  private readonly consumers = new Map<Sender, Consumer>();
  private readonly bySubQueue = new Map<SubQueue, { consumers: Set<Consumer>; unsubscribe: () => void }>();
  private readonly lockedDeliveries = new WeakMap<Delivery, LockedDelivery>();

  add(sender: Sender, subQueue: SubQueue, mode: ReceiveMode): void {
    const consumer = { sender, subQueue, mode };
    this.consumers.set(sender, consumer);
    let entry = this.bySubQueue.get(subQueue);
    if (!entry) {
      entry = { consumers: new Set(), unsubscribe: subQueue.onAvailable(() => this.pump(subQueue)) };
      this.bySubQueue.set(subQueue, entry);
    }
    entry.consumers.add(consumer);
  }

  remove(sender: Sender): void {
    const consumer = this.consumers.get(sender);
    if (!consumer) return;
    this.consumers.delete(sender);
    const entry = this.bySubQueue.get(consumer.subQueue);
    if (!entry) return;
    entry.consumers.delete(consumer);
    if (!entry.consumers.size) {
      entry.unsubscribe();
      this.bySubQueue.delete(consumer.subQueue);
    }
  }

  removeWhere(predicate: (sender: Sender) => boolean): void {
    for (const sender of [...this.consumers.keys()]) if (predicate(sender)) this.remove(sender);
  }

  clear(): void {
    for (const { unsubscribe } of this.bySubQueue.values()) unsubscribe();
    this.bySubQueue.clear();
    this.consumers.clear();
  }

  /** The client granted credit. */
  onSendable(sender: Sender): void {
    const consumer = this.consumers.get(sender);
    if (consumer) this.pump(consumer.subQueue);
  }

  /** The SDK drains leftover credit after a receive; credit that cannot be used is handed back at once. */
  onDraining(sender: Sender): void {
    this.onSendable(sender);
    if (usableCredit(sender) > 0) sender.set_drained(true);
  }

  onDisposition(event: DispositionEvent, delivery: Delivery): void {
    const locked = this.lockedDeliveries.get(delivery);
    if (!locked) {
      // Responses on request/response links and the like: nothing to settle in a queue.
      if (!delivery.remote_settled) delivery.update(true);
      return;
    }
    this.lockedDeliveries.delete(delivery);
    const settled = locked.subQueue.settle(locked.lockToken, settlementFromDisposition(event, delivery.remote_state));
    delivery.update(true, settled ? confirmationState(event) : rejectionState(LOCK_LOST));
  }

  /**
   * Hands available messages to consumers with credit, one per consumer per round. A consumer that was handed a message
   * goes to the back of the line, so that competing receivers share a queue's messages rather than the oldest link taking
   * them all (Service Bus promises each message to one receiver, not an order among receivers).
   */
  private pump(subQueue: SubQueue): void {
    const entry = this.bySubQueue.get(subQueue);
    let delivered = true;
    while (entry && delivered && subQueue.hasAvailable()) {
      delivered = false;
      for (const consumer of [...entry.consumers]) {
        if (consumer.sender.is_closed()) {
          this.remove(consumer.sender);
          continue;
        }
        if (usableCredit(consumer.sender) <= 0) continue;
        if (!this.deliverOne(consumer)) return;
        entry.consumers.delete(consumer);
        entry.consumers.add(consumer);
        delivered = true;
      }
    }
  }

  private deliverOne({ sender, subQueue, mode }: Consumer): boolean {
    if (mode === 'receiveAndDelete') {
      const message = subQueue.take();
      if (!message) return false;
      sender.send(toDeliveredMessage(message, { state: 'active' }), Buffer.from(String(message.sequenceNumber)));
      return true;
    }
    const locked = subQueue.lock();
    if (!locked) return false;
    const delivery = sender.send(
      toDeliveredMessage(locked.message, { state: 'active', lockedUntil: locked.lockedUntil }),
      lockTokenToDeliveryTag(locked.lockToken),
    );
    this.lockedDeliveries.set(delivery, { subQueue, lockToken: locked.lockToken });
    return true;
  }
}

interface SenderInternals {
  credit: number;
  session: {
    outgoing: {
      next_pending_delivery: number;
      next_delivery_id: number;
      available(): number;
      deliveries: { by_id(id: number): { link: unknown } | undefined };
    };
  };
}

/**
 * Credit left for new deliveries. rhea lowers a sender's credit only when it writes the transfer (on the
 * next tick), so deliveries queued since then still count against it; `sendable()` would over-deliver.
 */
function usableCredit(sender: Sender): number {
  const { credit, session } = sender as unknown as SenderInternals;
  const outgoing = session.outgoing;
  if (outgoing.available() <= 0) return 0;
  let queued = 0;
  for (let id = outgoing.next_pending_delivery; id < outgoing.next_delivery_id; id++) {
    if (outgoing.deliveries.by_id(id)?.link === sender) queued++;
  }
  return credit - queued;
}
