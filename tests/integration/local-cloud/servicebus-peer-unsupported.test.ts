import { randomUUID } from 'node:crypto';
import { ServiceBusAdministrationClient, ServiceBusClient } from '@azure/service-bus';
import type { CreateQueueOptions } from '@azure/service-bus';
import rhea from 'rhea';
import type { AmqpError } from 'rhea';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalCertificateAuthority } from '../../../local/stack/tls.js';
import { startServiceBusPeer } from '../../../local/servicebus/peer.js';
import type { ServiceBusPeer } from '../../../local/servicebus/peer.js';

// What the local Service Bus peer does not implement, it refuses clearly (501 NotImplemented on the admin endpoint,
// amqp:not-implemented on links) instead of standing in with something else. Real SDK clients, no mocks.

let peer: ServiceBusPeer;
let admin: ServiceBusAdministrationClient;
let client: ServiceBusClient;

beforeAll(async () => {
  const ca = await createLocalCertificateAuthority();
  peer = await startServiceBusPeer({ tls: await ca.issueServerCertificate(), queues: [{ name: 'plain-queue', lockDuration: 'PT30S', maxDeliveryCount: 5 }] });
  admin = new ServiceBusAdministrationClient(peer.connectionString, { tlsOptions: { ca: ca.caCert } });
  client = new ServiceBusClient(peer.connectionString, { retryOptions: { maxRetries: 1, retryDelayInMs: 100, timeoutInMs: 5_000 } });
});

afterAll(async () => {
  await client?.close();
  await peer?.close();
});

const aName = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
const notImplemented = (message: RegExp) => ({ statusCode: 501, code: 'NotImplemented', message: expect.stringMatching(message) });

async function queueNames(): Promise<string[]> {
  const names: string[] = [];
  for await (const queue of admin.listQueues()) names.push(queue.name);
  return names;
}

describe('topics, subscriptions and rules (admin client)', () => {
  it('refuses createTopic with 501 and creates no queue in its place', async () => {
    const topic = aName('topic');

    await expect(admin.createTopic(topic)).rejects.toMatchObject(
      notImplemented(/Topics, subscriptions and rules are not supported by the local Service Bus peer/),
    );

    expect(await admin.queueExists(topic)).toBe(false);
    expect(await queueNames()).not.toContain(topic);
  });

  it('refuses listing topics and creating subscriptions and rules with 501', async () => {
    const topics = /Topics, subscriptions and rules are not supported/;
    await expect(admin.listTopics().next()).rejects.toMatchObject(notImplemented(topics));
    await expect(admin.createSubscription('some-topic', 'some-subscription')).rejects.toMatchObject(notImplemented(topics));
    await expect(admin.listSubscriptions('some-topic').next()).rejects.toMatchObject(notImplemented(topics));
    await expect(admin.createRule('some-topic', 'some-subscription', 'some-rule', { sqlExpression: '1=1' })).rejects.toMatchObject(notImplemented(topics));
  });

  it('refuses what else it does not implement, naming the request', async () => {
    await expect(admin.getNamespaceProperties()).rejects.toMatchObject(notImplemented(/does not implement GET \/\$namespaceinfo/));
  });
});

describe('queue properties (admin client)', () => {
  it('refuses requiresSession with 501: sessions are not supported', async () => {
    const name = aName('sessions');
    await expect(admin.createQueue(name, { requiresSession: true })).rejects.toMatchObject(
      notImplemented(/Sessions are not supported by the local Service Bus peer/),
    );
    expect(await admin.queueExists(name)).toBe(false);
  });

  it('refuses requiresDuplicateDetection with 501 instead of creating a queue that would deliver duplicates', async () => {
    const name = aName('dedup');
    await expect(admin.createQueue(name, { requiresDuplicateDetection: true, duplicateDetectionHistoryTimeWindow: 'PT5M' })).rejects.toMatchObject(
      notImplemented(/Duplicate detection \(requiresDuplicateDetection\) is not supported/),
    );
    expect(await admin.queueExists(name)).toBe(false);
  });

  const behaviourChanging: Array<[string, CreateQueueOptions, RegExp]> = [
    ['enablePartitioning', { enablePartitioning: true }, /Partitioned queues \(enablePartitioning\)/],
    ['forwardTo', { forwardTo: 'plain-queue' }, /Auto-forwarding \(forwardTo\)/],
    ['forwardDeadLetteredMessagesTo', { forwardDeadLetteredMessagesTo: 'plain-queue' }, /forwardDeadLetteredMessagesTo/],
    ['autoDeleteOnIdle', { autoDeleteOnIdle: 'PT1H' }, /Deleting idle queues \(autoDeleteOnIdle\)/],
    ['status', { status: 'SendDisabled' }, /Only the Active status/],
    ['maxMessageSizeInKilobytes', { maxMessageSizeInKilobytes: 1024 }, /maxMessageSizeInKilobytes is 256/],
    [
      'authorizationRules',
      {
        authorizationRules: [
          { claimType: 'SharedAccessKey', accessRights: ['Send'], keyName: 'sender', primaryKey: 'a'.repeat(44), secondaryKey: 'b'.repeat(44) },
        ],
      },
      /Queue-level authorization rules/,
    ],
  ];

  it.each(behaviourChanging)('refuses %s with 501 and creates no queue', async (_property, options, message) => {
    const name = aName('refused');
    await expect(admin.createQueue(name, options)).rejects.toMatchObject(notImplemented(message));
    expect(await admin.queueExists(name)).toBe(false);
  });

  it('refuses an update that turns on an unsupported feature and leaves the queue as it was', async () => {
    const name = aName('update');
    const created = await admin.createQueue(name, { maxDeliveryCount: 4 });

    await expect(admin.updateQueue({ ...created, maxDeliveryCount: 9, forwardTo: 'plain-queue' })).rejects.toMatchObject(notImplemented(/forwardTo/));

    expect(await admin.getQueue(name)).toMatchObject({ maxDeliveryCount: 4, forwardTo: undefined });
  });

  it('accepts the properties that only affect performance or bookkeeping, and reports them back as set', async () => {
    const name = aName('accepted');
    const created = await admin.createQueue(name, {
      enableBatchedOperations: false,
      enableExpress: true,
      userMetadata: 'owner: <team a> & b',
      duplicateDetectionHistoryTimeWindow: 'PT1H',
      maxSizeInMegabytes: 2048,
      enablePartitioning: false,
      requiresSession: false,
      requiresDuplicateDetection: false,
      status: 'Active',
    });
    const expected = {
      enableBatchedOperations: false,
      enableExpress: true,
      userMetadata: 'owner: <team a> & b',
      duplicateDetectionHistoryTimeWindow: 'PT1H',
      maxSizeInMegabytes: 2048,
    };
    expect(created).toMatchObject(expected);
    expect(await admin.getQueue(name)).toMatchObject(expected);

    // What getQueue reports can be sent back unchanged: the SDK's own read-modify-write works.
    const updated = await admin.updateQueue({ ...(await admin.getQueue(name)), maxDeliveryCount: 3 });
    expect(updated).toMatchObject({ ...expected, maxDeliveryCount: 3 });
  });

  it('validates values like the service: a Standard-tier queue holds 1 to 5 GB', async () => {
    await expect(admin.createQueue(aName('size'), { maxSizeInMegabytes: 100 })).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/MaxSizeInMegabytes must be one of 1024/),
    });
    await expect(admin.createQueue(aName('window'), { duplicateDetectionHistoryTimeWindow: 'PT5S' })).rejects.toMatchObject({ statusCode: 400 });
  });
});

describe('sessions and subscriptions (ServiceBusClient over AMQP)', () => {
  it('acceptNextSession fails at once with "sessions are not supported"', async () => {
    const started = Date.now();
    await expect(client.acceptNextSession('plain-queue')).rejects.toMatchObject({
      message: expect.stringMatching(/Sessions are not supported by the local Service Bus peer/),
    });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('acceptSession fails at once (the SDK words it SessionCannotBeLocked, as against a queue without sessions)', async () => {
    const started = Date.now();
    await expect(client.acceptSession('plain-queue', 'session-1')).rejects.toMatchObject({ code: 'SessionCannotBeLocked' });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('detaches a session receiver link with amqp:not-implemented, with or without a session id', async () => {
    for (const sessionId of ['session-1', undefined]) {
      expect(await sessionLinkError('plain-queue', sessionId)).toMatchObject({
        condition: 'amqp:not-implemented',
        description: 'Sessions are not supported by the local Service Bus peer.',
      });
    }
  });

  it('refuses a subscription receiver with "topics are not supported", not with entity-not-found', async () => {
    const receiver = client.createReceiver('some-topic', 'some-subscription');
    try {
      await expect(receiver.receiveMessages(1, { maxWaitTimeInMs: 1_000 })).rejects.toMatchObject({
        message: expect.stringMatching(/Topics, subscriptions and rules are not supported/),
      });
    } finally {
      await receiver.close();
    }
  });

  it('refuses a receiver of the transfer dead-letter queue, which only forwarding and transactions fill', async () => {
    const receiver = client.createReceiver('plain-queue', { subQueueType: 'transferDeadLetter' });
    try {
      await expect(receiver.receiveMessages(1, { maxWaitTimeInMs: 1_000 })).rejects.toMatchObject({
        message: expect.stringMatching(/transfer dead-letter queue is not supported/),
      });
    } finally {
      await receiver.close();
    }
  });
});

/** The error of the detach that answers a receiver attach carrying the session filter (raw AMQP, as the SDK sends it). */
async function sessionLinkError(queue: string, sessionId: string | undefined): Promise<AmqpError | undefined> {
  const container = rhea.create_container();
  const connection = container.connect({ host: '127.0.0.1', port: peer.port, reconnect: false });
  try {
    return await new Promise<AmqpError | undefined>((resolve, reject) => {
      const receiver = connection.open_receiver({ source: { address: queue, filter: { 'com.microsoft:session-filter': sessionId } }, credit_window: 0 });
      receiver.on('receiver_close', (context) => resolve(context.receiver?.error as AmqpError | undefined));
      receiver.on('receiver_error', () => undefined);
      connection.on('connection_error', (context) => reject(new Error(`connection error: ${String(context.connection.error)}`)));
      setTimeout(() => reject(new Error('the session receiver was neither refused nor closed')), 3_000).unref();
    });
  } finally {
    connection.close();
  }
}
