import { createHmac } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import { ServiceBusAdministrationClient, ServiceBusClient } from '@azure/service-bus';
import type { ServiceBusReceivedMessage, ServiceBusReceiver } from '@azure/service-bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalCertificateAuthority } from '../../../local/stack/tls.js';
import { startServiceBusPeer } from '../../../local/servicebus/peer.js';
import type { ServiceBusPeer } from '../../../local/servicebus/peer.js';

// The real @azure/service-bus SDK (AMQP and the HTTPS admin client) against the local peer; no mocks.

let peer: ServiceBusPeer;
let admin: ServiceBusAdministrationClient;
let client: ServiceBusClient;
let caCert: string;

beforeAll(async () => {
  const ca = await createLocalCertificateAuthority();
  const cert = await ca.issueServerCertificate();
  caCert = ca.caCert;
  peer = await startServiceBusPeer({
    tls: cert,
    queues: [{ name: 'fixed-queue', lockDuration: 'PT30S', maxDeliveryCount: 5 }],
    log: (line) => {
      if (process.env.SERVICEBUS_PEER_VERBOSE) process.stdout.write(`${line}\n`);
    },
  });
  admin = new ServiceBusAdministrationClient(peer.connectionString, { tlsOptions: { ca: ca.caCert } });
  client = new ServiceBusClient(peer.connectionString, { retryOptions: { maxRetries: 1, retryDelayInMs: 100, timeoutInMs: 5_000 } });
});

afterAll(async () => {
  await client?.close();
  await peer?.close();
});

/** Every test works on its own queue, created through the admin client. */
async function newQueue(options: { lockDuration?: string; maxDeliveryCount?: number } = {}): Promise<string> {
  const name = `q-${randomUUID().slice(0, 8)}`;
  await admin.createQueue(name, { lockDuration: options.lockDuration ?? 'PT30S', maxDeliveryCount: options.maxDeliveryCount ?? 10 });
  return name;
}

async function send(queue: string, ...bodies: unknown[]): Promise<void> {
  const sender = client.createSender(queue);
  await sender.sendMessages(bodies.map((body, i) => ({ body, messageId: `m-${i}` })));
  await sender.close();
}

async function receiveOne(receiver: ServiceBusReceiver, maxWaitTimeInMs = 3_000): Promise<ServiceBusReceivedMessage> {
  const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs });
  if (!message) throw new Error('no message received');
  return message;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('operation counters (what the bench reports per run)', () => {
  it('counts sends, receives, completes and abandons as the SDK makes them', async () => {
    const queue = await newQueue();
    const before = { ...peer.counters.operations };
    await send(queue, 'a', 'b');
    const receiver = client.createReceiver(queue);
    const first = await receiveOne(receiver);
    await receiver.abandonMessage(first);
    const again = await receiveOne(receiver);
    await receiver.completeMessage(again);
    const second = await receiveOne(receiver);
    await receiver.completeMessage(second);
    await receiver.close();
    const ops = peer.counters.operations;
    expect({
      send: ops.send - before.send,
      receive: ops.receive - before.receive,
      complete: ops.complete - before.complete,
      abandon: ops.abandon - before.abandon,
    }).toEqual({
      send: 2,
      receive: 3,
      complete: 2,
      abandon: 1,
    });
  });
});

describe('admin client (HTTPS + Atom XML on the AMQP port)', () => {
  it('creates, reads, lists, updates and deletes queues', async () => {
    const name = `admin-${randomUUID().slice(0, 8)}`;
    const created = await admin.createQueue(name, {
      lockDuration: 'PT45S',
      maxDeliveryCount: 7,
      defaultMessageTimeToLive: 'P14D',
      deadLetteringOnMessageExpiration: true,
    });
    expect(created).toMatchObject({
      name,
      lockDuration: 'PT45S',
      maxDeliveryCount: 7,
      defaultMessageTimeToLive: 'P14D',
      deadLetteringOnMessageExpiration: true,
      requiresSession: false,
    });

    expect(await admin.getQueue(name)).toMatchObject({ name, lockDuration: 'PT45S', maxDeliveryCount: 7 });
    expect(await admin.queueExists(name)).toBe(true);
    expect(await admin.queueExists('no-such-queue')).toBe(false);
    await expect(admin.getQueue('no-such-queue')).rejects.toMatchObject({ code: 'MessageEntityNotFoundError', statusCode: 404 });
    await expect(admin.createQueue(name)).rejects.toMatchObject({ code: 'MessageEntityAlreadyExistsError', statusCode: 409 });

    const pages: string[][] = [];
    for await (const page of admin.listQueues().byPage({ maxPageSize: 1 })) pages.push(page.map((queue) => queue.name));
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pages.every((page) => page.length === 1)).toBe(true);
    expect(pages.flat()).toEqual(expect.arrayContaining([name, 'fixed-queue']));

    const updated = await admin.updateQueue({ ...created, maxDeliveryCount: 3 });
    expect(updated.maxDeliveryCount).toBe(3);

    await admin.deleteQueue(name);
    expect(await admin.queueExists(name)).toBe(false);
    await expect(admin.deleteQueue(name)).rejects.toMatchObject({ code: 'MessageEntityNotFoundError' });
  });

  it('serves queues given at start with their properties', async () => {
    expect(await admin.getQueue('fixed-queue')).toMatchObject({ lockDuration: 'PT30S', maxDeliveryCount: 5 });
  });

  it('reports runtime counts (active, scheduled, dead-letter)', async () => {
    const queue = await newQueue();
    await send(queue, 'a', 'b', 'c');
    const sender = client.createSender(queue);
    await sender.scheduleMessages({ body: 'later' }, new Date(Date.now() + 60_000));
    await sender.close();
    const receiver = client.createReceiver(queue);
    await receiver.deadLetterMessage(await receiveOne(receiver), { deadLetterReason: 'test', deadLetterErrorDescription: 'counted' });

    const runtime = await admin.getQueueRuntimeProperties(queue);
    expect(runtime).toMatchObject({ name: queue, activeMessageCount: 2, scheduledMessageCount: 1, deadLetterMessageCount: 1, totalMessageCount: 4 });
    expect(peer.counts(queue)).toEqual({ active: 2, scheduled: 1, deadLetter: 1, locked: 0 });
    await receiver.close();
  });

  it('requires an Authorization header', async () => {
    const status = (headers: Record<string, string>) =>
      new Promise<number | undefined>((resolve, reject) => {
        const request = httpsRequest({ host: '127.0.0.1', port: peer.port, path: '/fixed-queue?api-version=2021-05', ca: caCert, headers }, (response) => {
          response.resume();
          resolve(response.statusCode);
        });
        request.on('error', reject);
        request.end();
      });
    expect(await status({})).toBe(401);
    // the signature is checked as Service Bus checks it: HMAC-SHA256 of `sr\nse` under the named rule's key
    const sr = encodeURIComponent(`https://127.0.0.1:${peer.port}/fixed-queue`);
    const se = Math.floor(Date.now() / 1000) + 300;
    const sign = (key: string) => encodeURIComponent(createHmac('sha256', key).update(`${sr}\n${se}`).digest('base64'));
    expect(await status({ authorization: `SharedAccessSignature sr=${sr}&sig=${sign('local')}&se=${se}&skn=local` })).toBe(200);
    expect(await status({ authorization: `SharedAccessSignature sr=${sr}&sig=${sign('wrong-key')}&se=${se}&skn=local` })).toBe(401);
    expect(await status({ authorization: `SharedAccessSignature sr=${sr}&sig=${sign('local')}&se=${se}&skn=nobody` })).toBe(401);
  });
});

describe('messaging through ServiceBusClient (AMQP)', () => {
  it('sends, receives and completes, keeping message properties', async () => {
    const queue = await newQueue();
    const sender = client.createSender(queue);
    await sender.sendMessages({
      body: { order: 42 },
      messageId: 'order-42',
      correlationId: 'corr-1',
      subject: 'order.created',
      contentType: 'application/json',
      applicationProperties: { tenant: 't1', attempt: 3, urgent: true },
      timeToLive: 60_000,
    });
    const receiver = client.createReceiver(queue);
    const message = await receiveOne(receiver);
    expect(message).toMatchObject({
      body: { order: 42 },
      messageId: 'order-42',
      correlationId: 'corr-1',
      subject: 'order.created',
      contentType: 'application/json',
      applicationProperties: { tenant: 't1', attempt: 3, urgent: true },
      deliveryCount: 0,
      timeToLive: 60_000,
    });
    expect(message.sequenceNumber?.toNumber()).toBe(1);
    expect(message.lockToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(message.lockedUntilUtc!.getTime()).toBeGreaterThan(Date.now() + 25_000);
    expect(Math.abs(message.enqueuedTimeUtc!.getTime() - Date.now())).toBeLessThan(5_000);
    expect(peer.counts(queue)).toMatchObject({ active: 0, locked: 1 });

    await receiver.completeMessage(message);
    expect(peer.counts(queue)).toEqual({ active: 0, scheduled: 0, deadLetter: 0, locked: 0 });
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toHaveLength(0);
    await Promise.all([sender.close(), receiver.close()]);
  });

  it('redelivers an abandoned message with deliveryCount 1', async () => {
    const queue = await newQueue();
    await send(queue, 'retry me');
    const receiver = client.createReceiver(queue);
    await receiver.abandonMessage(await receiveOne(receiver), { reason: 'busy' });
    const again = await receiveOne(receiver);
    expect(again).toMatchObject({ body: 'retry me', deliveryCount: 1, applicationProperties: { reason: 'busy' } });
    await receiver.completeMessage(again);
    await receiver.close();
  });

  it('dead-letters with reason and description into <queue>/$DeadLetterQueue', async () => {
    const queue = await newQueue();
    await send(queue, 'poison');
    const receiver = client.createReceiver(queue);
    await receiver.deadLetterMessage(await receiveOne(receiver), { deadLetterReason: 'InvalidPayload', deadLetterErrorDescription: 'missing field' });
    expect(peer.counts(queue)).toMatchObject({ active: 0, deadLetter: 1 });

    const deadLetters = client.createReceiver(queue, { subQueueType: 'deadLetter' });
    const dead = await receiveOne(deadLetters);
    expect(dead).toMatchObject({ body: 'poison', deadLetterReason: 'InvalidPayload', deadLetterErrorDescription: 'missing field' });
    await deadLetters.completeMessage(dead);
    expect(peer.counts(queue)).toMatchObject({ deadLetter: 0 });
    await Promise.all([receiver.close(), deadLetters.close()]);
  });

  it('delivers scheduled messages at their time, not before', async () => {
    const queue = await newQueue();
    const sender = client.createSender(queue);
    const at = new Date(Date.now() + 1_200);
    const [sequenceNumber] = await sender.scheduleMessages({ body: 'scheduled', messageId: 's1' }, at);
    expect(sequenceNumber!.toNumber()).toBeGreaterThan(0);
    expect(peer.counts(queue)).toMatchObject({ active: 0, scheduled: 1 });

    const receiver = client.createReceiver(queue);
    const [peeked] = await receiver.peekMessages(1);
    expect(peeked).toMatchObject({ messageId: 's1', state: 'scheduled' });
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 500 })).toHaveLength(0);

    const message = await receiveOne(receiver, 3_000);
    expect(Date.now()).toBeGreaterThanOrEqual(at.getTime() - 20);
    expect(message).toMatchObject({ body: 'scheduled', messageId: 's1' });
    expect(message.scheduledEnqueueTimeUtc?.getTime()).toBe(at.getTime());
    await receiver.completeMessage(message);
    await Promise.all([sender.close(), receiver.close()]);
  });

  it('schedules messages sent with scheduledEnqueueTimeUtc and cancels scheduled messages', async () => {
    const queue = await newQueue();
    const sender = client.createSender(queue);
    await sender.sendMessages({ body: 'via annotation', scheduledEnqueueTimeUtc: new Date(Date.now() + 600) });
    const [cancelled] = await sender.scheduleMessages({ body: 'cancelled' }, new Date(Date.now() + 600));
    expect(peer.counts(queue)).toMatchObject({ scheduled: 2 });

    await sender.cancelScheduledMessages(cancelled!);
    expect(peer.counts(queue)).toMatchObject({ scheduled: 1 });
    await expect(sender.cancelScheduledMessages(cancelled!)).rejects.toMatchObject({ code: 'MessageNotFound' });

    const receiver = client.createReceiver(queue, { receiveMode: 'receiveAndDelete' });
    const received = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2_000 });
    await sleep(200);
    received.push(...(await receiver.receiveMessages(1, { maxWaitTimeInMs: 200 })));
    expect(received.map((m) => m.body)).toEqual(['via annotation']);
    expect(peer.counts(queue)).toEqual({ active: 0, scheduled: 0, deadLetter: 0, locked: 0 });
    await Promise.all([sender.close(), receiver.close()]);
  });

  it('redelivers with deliveryCount+1 when a lock expires, and completing then fails with MessageLockLost', async () => {
    const queue = await newQueue({ lockDuration: 'PT1S' });
    await send(queue, 'slow');
    const receiver = client.createReceiver(queue, { maxAutoLockRenewalDurationInMs: 0 });
    const first = await receiveOne(receiver);
    expect(first.deliveryCount).toBe(0);

    await sleep(1_200);
    const second = await receiveOne(receiver);
    expect(second).toMatchObject({ body: 'slow', deliveryCount: 1 });
    expect(second.lockToken).not.toBe(first.lockToken);

    await expect(receiver.completeMessage(first)).rejects.toMatchObject({ code: 'MessageLockLost' });
    await receiver.completeMessage(second);
    expect(peer.counts(queue)).toEqual({ active: 0, scheduled: 0, deadLetter: 0, locked: 0 });
    await receiver.close();
  });

  it('lockDurationOverrideMs makes every lock expire that soon (the expired-lock fault), and counts it', async () => {
    const queue = await newQueue({ lockDuration: 'PT1M' });
    await send(queue, 'fast expiry');
    const receiver = client.createReceiver(queue, { maxAutoLockRenewalDurationInMs: 0 });
    const expiredBefore = peer.counters.locksExpired;
    peer.faults.lockDurationOverrideMs = 100;
    try {
      const first = await receiveOne(receiver);
      await sleep(300);
      await expect(receiver.completeMessage(first)).rejects.toMatchObject({ code: 'MessageLockLost' });
      expect(peer.counters.locksExpired).toBeGreaterThan(expiredBefore);
    } finally {
      peer.faults.lockDurationOverrideMs = undefined;
    }
    const again = await receiveOne(receiver);
    expect(again.deliveryCount).toBeGreaterThanOrEqual(1);
    await receiver.completeMessage(again);
    await receiver.close();
  });

  it('dead-letters with MaxDeliveryCountExceeded after maxDeliveryCount failed deliveries', async () => {
    const queue = await newQueue({ maxDeliveryCount: 2 });
    await send(queue, 'always fails');
    const receiver = client.createReceiver(queue);
    await receiver.abandonMessage(await receiveOne(receiver));
    await receiver.abandonMessage(await receiveOne(receiver));
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toHaveLength(0);

    const deadLetters = client.createReceiver(queue, { subQueueType: 'deadLetter', receiveMode: 'receiveAndDelete' });
    const dead = await receiveOne(deadLetters);
    expect(dead).toMatchObject({ body: 'always fails', deliveryCount: 2, deadLetterReason: 'MaxDeliveryCountExceeded' });
    await Promise.all([receiver.close(), deadLetters.close()]);
  });

  it('dead-letters expired messages when the queue says so (TTLExpiredException)', async () => {
    const queue = `ttl-${randomUUID().slice(0, 8)}`;
    await admin.createQueue(queue, { deadLetteringOnMessageExpiration: true, defaultMessageTimeToLive: 'P14D' });
    const sender = client.createSender(queue);
    await sender.sendMessages([{ body: 'short-lived', timeToLive: 200 }, { body: 'long-lived' }]);
    await sleep(300);

    const receiver = client.createReceiver(queue, { receiveMode: 'receiveAndDelete' });
    expect((await receiveOne(receiver)).body).toBe('long-lived');
    const deadLetters = client.createReceiver(queue, { subQueueType: 'deadLetter', receiveMode: 'receiveAndDelete' });
    expect(await receiveOne(deadLetters)).toMatchObject({ body: 'short-lived', deadLetterReason: 'TTLExpiredException' });
    await Promise.all([sender.close(), receiver.close(), deadLetters.close()]);
  });

  it('peeks without locking', async () => {
    const queue = await newQueue();
    await send(queue, 'one', 'two', 'three');
    const receiver = client.createReceiver(queue);
    const peeked = await receiver.peekMessages(3);
    expect(peeked.map((m) => m.body)).toEqual(['one', 'two', 'three']);
    expect(peeked.map((m) => m.sequenceNumber?.toNumber())).toEqual([1, 2, 3]);
    expect(peeked.every((m) => m.lockToken === undefined)).toBe(true);
    expect(await receiver.peekMessages(3)).toHaveLength(0);

    const received = await receiver.receiveMessages(3, { maxWaitTimeInMs: 2_000 });
    expect(received.map((m) => [m.body, m.deliveryCount])).toEqual([
      ['one', 0],
      ['two', 0],
      ['three', 0],
    ]);
    await Promise.all(received.map((m) => receiver.completeMessage(m)));
    await receiver.close();
  });

  it('renewMessageLock extends the lock past its original expiry', async () => {
    const queue = await newQueue({ lockDuration: 'PT1S' });
    await send(queue, 'long job');
    const receiver = client.createReceiver(queue, { maxAutoLockRenewalDurationInMs: 0 });
    const message = await receiveOne(receiver);
    const originalExpiry = message.lockedUntilUtc!.getTime();

    await sleep(600);
    const renewed = await receiver.renewMessageLock(message);
    expect(renewed.getTime()).toBeGreaterThan(originalExpiry + 400);
    await sleep(700);
    expect(Date.now()).toBeGreaterThan(originalExpiry);
    await receiver.completeMessage(message);
    expect(peer.counts(queue)).toEqual({ active: 0, scheduled: 0, deadLetter: 0, locked: 0 });
    await expect(receiver.renewMessageLock(message)).rejects.toMatchObject({ code: 'MessageLockLost' });
    await receiver.close();
  });

  it('receives all 100 messages of a batch send', async () => {
    const queue = await newQueue();
    const sender = client.createSender(queue);
    const batch = await sender.createMessageBatch();
    for (let i = 0; i < 50; i++) expect(batch.tryAddMessage({ body: { i }, messageId: `batch-${i}` })).toBe(true);
    await sender.sendMessages(batch);
    await sender.sendMessages(Array.from({ length: 50 }, (_, j) => ({ body: { i: 50 + j }, messageId: `batch-${50 + j}` })));
    expect(peer.counts(queue)).toMatchObject({ active: 100 });

    const receiver = client.createReceiver(queue, { receiveMode: 'receiveAndDelete' });
    const received: ServiceBusReceivedMessage[] = [];
    while (received.length < 100) {
      const page = await receiver.receiveMessages(100 - received.length, { maxWaitTimeInMs: 2_000 });
      if (!page.length) break;
      received.push(...page);
    }
    expect(received.map((m) => (m.body as { i: number }).i).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(peer.counts(queue)).toMatchObject({ active: 0, locked: 0 });
    await Promise.all([sender.close(), receiver.close()]);
  });

  it('shares one message at a time between competing receivers instead of handing all to the oldest link', async () => {
    const queue = await newQueue();
    const receivers = [client.createReceiver(queue), client.createReceiver(queue), client.createReceiver(queue)];
    const takers: number[] = [];
    try {
      for (let i = 0; i < 6; i++) {
        const waiting = receivers.map((r, k) => r.receiveMessages(1, { maxWaitTimeInMs: 400 }).then((got) => ({ k, got })));
        await sleep(50);
        await send(queue, { i });
        for (const { k, got } of await Promise.all(waiting)) {
          for (const m of got) {
            takers.push(k);
            await receivers[k]!.completeMessage(m);
          }
        }
      }
    } finally {
      await Promise.all(receivers.map((r) => r.close()));
    }
    expect(takers).toHaveLength(6);
    expect(new Set(takers).size).toBe(3);
  });

  it('defers a message and receives it by sequence number', async () => {
    const queue = await newQueue();
    await send(queue, 'later please');
    const receiver = client.createReceiver(queue);
    const message = await receiveOne(receiver);
    await receiver.deferMessage(message);
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toHaveLength(0);

    const [deferred] = await receiver.receiveDeferredMessages(message.sequenceNumber!);
    expect(deferred).toMatchObject({ body: 'later please', state: 'deferred' });
    await receiver.completeMessage(deferred!);
    expect(peer.counts(queue)).toEqual({ active: 0, scheduled: 0, deadLetter: 0, locked: 0 });
    await receiver.close();
  });

  it('feeds subscribe() handlers and completes automatically', async () => {
    const queue = await newQueue();
    await send(queue, 1, 2, 3);
    const receiver = client.createReceiver(queue);
    const bodies: unknown[] = [];
    await new Promise<void>((resolve, reject) => {
      receiver.subscribe({
        processMessage: async (message) => {
          bodies.push(message.body);
          if (bodies.length === 3) resolve();
        },
        processError: async ({ error }) => reject(error),
      });
    });
    await receiver.close();
    expect(bodies).toEqual([1, 2, 3]);
    expect(peer.counts(queue)).toMatchObject({ active: 0, locked: 0 });
  });

  it('fails with MessagingEntityNotFound for queues that do not exist or were deleted', async () => {
    await expect(send('never-created', 'x')).rejects.toMatchObject({ code: 'MessagingEntityNotFound' });

    const queue = await newQueue();
    const sender = client.createSender(queue);
    await sender.sendMessages({ body: 'before delete' });
    await admin.deleteQueue(queue);
    expect(peer.counts(queue)).toBeUndefined();
    await expect(send(queue, 'new sender after delete')).rejects.toMatchObject({ code: 'MessagingEntityNotFound' });
    // The peer detaches open links to a deleted queue; once the client has seen that, a send re-attaches and is refused.
    // (A send racing the detach waits for its timeout instead, as it would against the service.)
    await sleep(100);
    await expect(sender.sendMessages({ body: 'old sender after delete' })).rejects.toMatchObject({ code: 'MessagingEntityNotFound' });
    await sender.close();
  });
});

describe('fault injection', () => {
  it('duplicateDeliveryRate = 1 delivers a completed message exactly once more', async () => {
    const queue = await newQueue();
    await send(queue, 'at least once');
    const receiver = client.createReceiver(queue);
    peer.faults.duplicateDeliveryRate = 1;
    try {
      const first = await receiveOne(receiver);
      await receiver.completeMessage(first);
      const duplicate = await receiveOne(receiver);
      expect(duplicate).toMatchObject({ body: 'at least once', messageId: first.messageId });
      expect(duplicate.sequenceNumber!.equals(first.sequenceNumber!)).toBe(true);
      await receiver.completeMessage(duplicate);
      expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toHaveLength(0);
    } finally {
      peer.faults.duplicateDeliveryRate = 0;
      await receiver.close();
    }
  });

  it('dropConnections forces clients to reconnect, and messaging continues', async () => {
    const queue = await newQueue();
    const sender = client.createSender(queue);
    const receiver = client.createReceiver(queue);
    await sender.sendMessages({ body: 'before drop' });
    const held = await receiveOne(receiver);
    // Like the service, the peer gives a message sent without an id one of its own.
    expect(held.messageId).toMatch(/^[0-9a-f]{32}$/);

    peer.faults.dropConnections();
    // Give the client a moment to see the drop: a send racing it waits for the SDK's operation timeout
    // before retrying, exactly as after a real network failure.
    await sleep(100);
    await sender.sendMessages({ body: 'after drop' });
    // The lock outlives the connection: the SDK settles it over the management link.
    await receiver.completeMessage(held);
    const next = await receiveOne(receiver);
    expect(next.body).toBe('after drop');
    await receiver.completeMessage(next);
    expect(peer.counts(queue)).toEqual({ active: 0, scheduled: 0, deadLetter: 0, locked: 0 });
    await Promise.all([sender.close(), receiver.close()]);
  });
});
