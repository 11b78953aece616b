import type { TokenCredential } from '@azure/identity';
import { ServiceBusAdministrationClient, ServiceBusClient, type CreateQueueOptions, type ServiceBusReceiver, type ServiceBusSender } from '@azure/service-bus';
import type { QueueDefinition } from '../../app/config/infra-definitions.js';
import { QueueNotFoundError, type GroupQueues, type ReceivedWakeUp, type WakeUp } from '../../app/ports/group-queues.js';
import { errorCode, httpStatusOf } from '../../domain/errors/error-probe.js';

/** How to reach the namespace: a managed identity in Azure, the emulator connection string (+ the local CA) locally. */
export type ServiceBusTarget = { namespace: string; credential: TokenCredential } | { connectionString: string; caCert?: string | undefined };

const isEntityNotFound = (err: unknown) =>
  errorCode(err) === 'MessagingEntityNotFound' || errorCode(err) === 'MessageEntityNotFoundError' || httpStatusOf(err) === 404;
const isAlreadyExists = (err: unknown) =>
  errorCode(err) === 'MessageEntityAlreadyExistsError' || errorCode(err) === 'MessagingEntityAlreadyExists' || httpStatusOf(err) === 409;

function runIdOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const runId = (body as { runId?: unknown }).runId;
  return typeof runId === 'string' ? runId : undefined;
}

/**
 * The group queues on Service Bus. Senders are kept per queue (a sender sends concurrently); receivers are
 * pooled per queue because one receiver serves one receive at a time: a claim borrows one from receive until the
 * message is settled, so a process's receivers per queue never exceed its concurrent claims.
 * Lock renewal is off: a claim holds its message for a few store round trips, far below the lock duration.
 */
export class ServiceBusGroupQueues implements GroupQueues {
  private readonly client: ServiceBusClient;
  private readonly admin: ServiceBusAdministrationClient;
  private readonly senders = new Map<string, ServiceBusSender>();
  private readonly idleReceivers = new Map<string, ServiceBusReceiver[]>();
  private closed = false;

  constructor(
    target: ServiceBusTarget,
    private readonly definition: QueueDefinition & { namePrefix: string },
  ) {
    if ('connectionString' in target) {
      this.client = new ServiceBusClient(target.connectionString);
      this.admin = new ServiceBusAdministrationClient(target.connectionString, target.caCert ? { tlsOptions: { ca: target.caCert } } : {});
    } else {
      this.client = new ServiceBusClient(target.namespace, target.credential);
      this.admin = new ServiceBusAdministrationClient(target.namespace, target.credential);
    }
  }

  queueNameOf(groupId: string): string {
    return `${this.definition.namePrefix}${groupId}`;
  }

  async create(groupId: string): Promise<void> {
    const options: CreateQueueOptions = {
      lockDuration: this.definition.lockDuration,
      maxDeliveryCount: this.definition.maxDeliveryCount,
      defaultMessageTimeToLive: this.definition.defaultMessageTimeToLive,
      deadLetteringOnMessageExpiration: this.definition.deadLetteringOnMessageExpiration,
      maxSizeInMegabytes: this.definition.maxSizeInMegabytes,
    };
    try {
      await this.admin.createQueue(this.queueNameOf(groupId), options);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }

  async delete(groupId: string): Promise<void> {
    const name = this.queueNameOf(groupId);
    await this.forget(name);
    try {
      await this.admin.deleteQueue(name);
    } catch (err) {
      if (!isEntityNotFound(err)) throw err;
    }
  }

  async sendWakeUp(groupId: string, wakeUp: WakeUp): Promise<void> {
    const name = this.queueNameOf(groupId);
    try {
      await this.senderFor(name).sendMessages({ body: { runId: wakeUp.runId }, contentType: 'application/json', messageId: `${wakeUp.runId}:${Date.now()}` });
    } catch (err) {
      if (isEntityNotFound(err)) {
        await this.forget(name);
        throw new QueueNotFoundError(name);
      }
      throw err;
    }
  }

  async receiveOne(groupId: string, maxWaitMs: number): Promise<ReceivedWakeUp | undefined> {
    const name = this.queueNameOf(groupId);
    const receiver = this.borrowReceiver(name);
    let message;
    try {
      [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: maxWaitMs });
    } catch (err) {
      // the receive already failed: that error is the one to act on, a failed close of its link adds nothing
      // eslint-disable-next-line no-restricted-syntax -- silence is right: see the comment above
      await receiver.close().catch(() => undefined);
      if (isEntityNotFound(err)) {
        await this.forget(name);
        throw new QueueNotFoundError(name);
      }
      throw err;
    }
    if (!message) {
      this.returnReceiver(name, receiver);
      return undefined;
    }
    const received = message;
    let settled = false;
    const settle = async (how: () => Promise<void>) => {
      if (settled) return;
      settled = true;
      try {
        await how();
      } finally {
        this.returnReceiver(name, receiver);
      }
    };
    return {
      runId: runIdOf(received.body),
      deliveryCount: received.deliveryCount ?? 0,
      complete: () => settle(() => receiver.completeMessage(received)),
      abandon: () => settle(() => receiver.abandonMessage(received)),
    };
  }

  async depth(groupId: string): Promise<number> {
    try {
      const properties = await this.admin.getQueueRuntimeProperties(this.queueNameOf(groupId));
      return properties.activeMessageCount;
    } catch (err) {
      if (isEntityNotFound(err)) throw new QueueNotFoundError(this.queueNameOf(groupId));
      throw err;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const name of [...this.senders.keys(), ...this.idleReceivers.keys()]) await this.forget(name);
    await this.client.close();
  }

  private senderFor(name: string): ServiceBusSender {
    let sender = this.senders.get(name);
    if (!sender) {
      sender = this.client.createSender(name);
      this.senders.set(name, sender);
    }
    return sender;
  }

  private borrowReceiver(name: string): ServiceBusReceiver {
    const idle = this.idleReceivers.get(name);
    const receiver = idle?.pop();
    if (receiver && !receiver.isClosed) return receiver;
    return this.client.createReceiver(name, { receiveMode: 'peekLock', maxAutoLockRenewalDurationInMs: 0 });
  }

  private returnReceiver(name: string, receiver: ServiceBusReceiver): void {
    if (this.closed || receiver.isClosed) return;
    const idle = this.idleReceivers.get(name) ?? [];
    idle.push(receiver);
    this.idleReceivers.set(name, idle);
  }

  /** Closes what is cached for a queue (it was deleted, or the adapter closes). */
  private async forget(name: string): Promise<void> {
    const sender = this.senders.get(name);
    this.senders.delete(name);
    const receivers = this.idleReceivers.get(name) ?? [];
    this.idleReceivers.delete(name);
    // the queue is forgotten (deleted, or the client is closing): links that fail to close are gone with it
    // eslint-disable-next-line no-restricted-syntax -- silence is right: see the comment above
    await Promise.all([sender?.close(), ...receivers.map((r) => r.close())].map((p) => Promise.resolve(p).catch(() => undefined)));
  }
}
