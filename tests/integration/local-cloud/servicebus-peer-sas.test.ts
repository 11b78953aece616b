import { createHmac } from 'node:crypto';
import { ServiceBusAdministrationClient, ServiceBusClient } from '@azure/service-bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_RULE, startServiceBusPeer, type ServiceBusPeer } from '../../../local/servicebus/peer.js';
import { createLocalCertificateAuthority } from '../../../local/stack/tls.js';

// The peer checks SAS tokens as Service Bus does (signature, resource scope, expiry, rights): a receive-only token
// scoped to one queue, as a bot's agent will hold, reads that queue and nothing else.

const LISTEN_RULE = { keyName: 'bots-listen', key: 'listen-key-for-tests', rights: ['Listen' as const] };

let peer: ServiceBusPeer;
let admin: ServiceBusAdministrationClient;
let owner: ServiceBusClient;

function token(resource: string, rule: { keyName: string; key: string }, expiresInSeconds = 300): string {
  const sr = encodeURIComponent(`sb://127.0.0.1:${peer.port}/${resource}`);
  const se = Math.floor(Date.now() / 1000) + expiresInSeconds;
  const sig = encodeURIComponent(createHmac('sha256', rule.key).update(`${sr}\n${se}`).digest('base64'));
  return `SharedAccessSignature sr=${sr}&sig=${sig}&se=${se}&skn=${rule.keyName}`;
}

function clientWith(sas: string): ServiceBusClient {
  return new ServiceBusClient(`Endpoint=sb://127.0.0.1:${peer.port};SharedAccessSignature=${sas};UseDevelopmentEmulator=true`, {
    retryOptions: { maxRetries: 0, timeoutInMs: 5_000 },
  });
}

async function receiveFrom(client: ServiceBusClient, queue: string): Promise<unknown> {
  const receiver = client.createReceiver(queue);
  try {
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2_000 });
    if (message) await receiver.completeMessage(message);
    return message?.body;
  } finally {
    await receiver.close();
  }
}

beforeAll(async () => {
  const ca = await createLocalCertificateAuthority();
  peer = await startServiceBusPeer({ tls: await ca.issueServerCertificate(), authorizationRules: [LOCAL_RULE, LISTEN_RULE] });
  admin = new ServiceBusAdministrationClient(peer.connectionString, { tlsOptions: { ca: ca.caCert } });
  owner = new ServiceBusClient(peer.connectionString);
  for (const queue of ['group-a', 'group-b']) {
    await admin.createQueue(queue);
    const sender = owner.createSender(queue);
    await sender.sendMessages([{ body: `wake-up of ${queue}` }, { body: `second of ${queue}` }]);
    await sender.close();
  }
});

afterAll(async () => {
  await owner?.close();
  await peer?.close();
});

describe('SAS tokens on the local Service Bus peer', () => {
  it('lets a receive-only token scoped to a queue receive from that queue', async () => {
    const client = clientWith(token('group-a', LISTEN_RULE));
    try {
      expect(await receiveFrom(client, 'group-a')).toBe('wake-up of group-a');
    } finally {
      await client.close();
    }
  });

  it("refuses it on another group's queue, and for sending to its own", async () => {
    const client = clientWith(token('group-a', LISTEN_RULE));
    try {
      await expect(receiveFrom(client, 'group-b')).rejects.toMatchObject({ code: 'UnauthorizedAccess' });
      const sender = client.createSender('group-a');
      await expect(sender.sendMessages({ body: 'not allowed' })).rejects.toMatchObject({ code: 'UnauthorizedAccess' });
    } finally {
      await client.close();
    }
  });

  it('refuses an expired token, a wrong signature and an unknown rule', async () => {
    for (const sas of [
      token('group-a', LISTEN_RULE, -5),
      token('group-a', { keyName: LISTEN_RULE.keyName, key: 'not-the-key' }),
      token('group-a', { keyName: 'nobody', key: 'x' }),
    ]) {
      const client = clientWith(sas);
      try {
        await expect(receiveFrom(client, 'group-a')).rejects.toMatchObject({ code: 'UnauthorizedAccess' });
      } finally {
        await client.close();
      }
    }
  });
});
