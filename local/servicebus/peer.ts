import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createAdminRequestHandler } from './admin-http.js';
import { AmqpServer, ConnectionDroppedError } from './amqp-server.js';
import { createMultiplexedServer } from './port-multiplexer.js';
import type { QueueProperties } from './queue-properties.js';
import { QueueStore, type QueueOperation } from './queue-store.js';
import type { AuthorizationRule } from './sas.js';

export type { QueueProperties } from './queue-properties.js';

export interface ServiceBusPeerOptions {
  /** default 127.0.0.1 */
  host?: string;
  /** default 0 = ephemeral */
  port?: number;
  /** Server certificate for the admin HTTPS side, issued by the local CA. */
  tls: { key: string; cert: string };
  /** Created at start (fixed queues). */
  queues?: Array<{ name: string } & QueueProperties>;
  /**
   * Shared access rules of the namespace, whose keys sign the tokens clients present; default one `local` rule with
   * Manage, Send and Listen, the one the connection string names.
   */
  authorizationRules?: AuthorizationRule[];
  log?: (line: string) => void;
}

export const LOCAL_RULE: AuthorizationRule = { keyName: 'local', key: 'local', rights: ['Manage', 'Send', 'Listen'] };

export interface ServiceBusPeerFaults {
  /** 0..1: share of settled-by-complete messages that are delivered once more (simulates duplicate delivery) */
  duplicateDeliveryRate: number;
  /**
   * When set, every lock given out from then on expires after this many ms instead of the queue's lock duration:
   * a receiver slower than that loses its lock (its complete fails with MessageLockLost) and the message is delivered
   * again (the expired-lock fault). undefined: the queue's own lock duration.
   */
  lockDurationOverrideMs: number | undefined;
  /** drop every open link/connection once (clients must reconnect) */
  dropConnections(): void;
}

export interface ServiceBusPeer {
  port: number;
  /** `Endpoint=sb://127.0.0.1:PORT;SharedAccessKeyName=local;SharedAccessKey=local;UseDevelopmentEmulator=true` */
  connectionString: string;
  faults: ServiceBusPeerFaults;
  /**
   * what the peer did that a client must cope with (duplicates it injected, locks that expired unsettled), and the
   * operations clients made, as Service Bus counts them (sends, receives, settlements), across all queues
   */
  counters: { duplicatesInjected: number; locksExpired: number; operations: Record<QueueOperation, number> };
  /** runtime counts of a queue, for tests and diagnostics */
  counts(queue: string): { active: number; scheduled: number; deadLetter: number; locked: number } | undefined;
  close(): Promise<void>;
}

/**
 * A local stand-in for a Service Bus namespace: AMQP for ServiceBusClient and HTTPS + Atom XML for
 * ServiceBusAdministrationClient, on one port, so both SDK clients run unchanged from one emulator
 * connection string. State lives in memory for as long as the peer runs.
 */
export async function startServiceBusPeer(options: ServiceBusPeerOptions): Promise<ServiceBusPeer> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => undefined);
  const faults: ServiceBusPeerFaults = {
    duplicateDeliveryRate: 0,
    lockDurationOverrideMs: undefined,
    dropConnections: () => amqp.dropConnections(),
  };
  const counters = { duplicatesInjected: 0, locksExpired: 0, operations: { send: 0, receive: 0, complete: 0, abandon: 0, deadLetter: 0, defer: 0 } };
  const store = new QueueStore({
    duplicateDeliveryRate: () => faults.duplicateDeliveryRate,
    lockDurationOverrideMs: () => faults.lockDurationOverrideMs,
    record: (event) => {
      if (event === 'duplicateInjected') counters.duplicatesInjected++;
      else counters.locksExpired++;
    },
    operation: (op) => void counters.operations[op]++,
  });
  for (const { name, ...properties } of options.queues ?? []) {
    if (!store.create(name, properties)) throw new Error(`Queue ${name} is listed twice`);
  }

  const rules = options.authorizationRules ?? [LOCAL_RULE];
  const manageRule = rules.find((r) => r.rights.includes('Manage'));
  if (!manageRule) throw new Error('The Service Bus peer needs a rule with the Manage right (the connection string names it).');
  const amqp = new AmqpServer(store, log, rules);
  const https = createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, createAdminRequestHandler(store, log, rules));
  https.on('tlsClientError', (error) => log(`[servicebus] admin TLS error: ${error.message}`));
  const multiplexed = createMultiplexedServer({ amqp: (socket) => amqp.accept(socket), tls: (stream) => https.emit('connection', stream) }, (error) => {
    if (!(error instanceof ConnectionDroppedError)) log(`[servicebus] socket error: ${error.message}`);
  });

  await new Promise<void>((resolve, reject) => {
    multiplexed.server.once('error', reject);
    multiplexed.server.listen(options.port ?? 0, host, () => {
      multiplexed.server.off('error', reject);
      resolve();
    });
  });
  const { port } = multiplexed.server.address() as AddressInfo;
  log(`[servicebus] listening on ${host}:${port} (AMQP and HTTPS)`);

  let closed: Promise<void> | undefined;
  return {
    port,
    connectionString: `Endpoint=sb://${host}:${port};SharedAccessKeyName=${manageRule.keyName};SharedAccessKey=${manageRule.key};UseDevelopmentEmulator=true`,
    faults,
    counters,
    counts(queue) {
      return store.get(queue)?.counts();
    },
    close() {
      closed ??= (async () => {
        amqp.close();
        multiplexed.destroyAll();
        https.closeAllConnections();
        await new Promise<void>((resolve) => multiplexed.server.close(() => resolve()));
        store.dispose();
        log('[servicebus] closed');
      })();
      return closed;
    },
  };
}
