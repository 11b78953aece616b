import type { Socket } from 'node:net';
import rhea from 'rhea';
import type { AmqpError, Connection, ConnectionOptions, Container, EventContext, Message, Receiver, Sender, link } from 'rhea';
import { isRecord } from './brokered-message.js';
import { handleCbsRequest } from './cbs.js';
import { grantAllows, resourcePathOf, type AccessRight, type AuthorizationRule, type Grant } from './sas.js';
import { DeliveryDispatcher } from './delivery-dispatcher.js';
import { DISPOSITION_EVENTS } from './dispositions.js';
import { messagesFromTransfer } from './incoming-messages.js';
import { formatEntityPath, parseLinkAddress, unsupportedAddressReason } from './link-address.js';
import type { EntityPath, LinkAddress } from './link-address.js';
import { handleManagementRequest } from './management.js';
import { decodeMessage } from './message-codec.js';
import { SESSIONS_NOT_SUPPORTED } from './not-supported.js';
import type { Queue, QueueStore } from './queue-store.js';

/** Largest message a sender may send (Service Bus Standard tier); the SDK sizes batches from it. */
const MAX_MESSAGE_SIZE = 256 * 1024;
const SESSION_FILTER = 'com.microsoft:session-filter';

/** How the peer itself ends a connection (fault injection, shutdown); not worth logging as a socket error. */
export class ConnectionDroppedError extends Error {
  constructor() {
    super('connection dropped by the local Service Bus peer');
  }
}

/**
 * The AMQP side of the peer: accepts sockets, routes links by address, answers `$cbs` and `$management`
 * requests and takes messages from sender links. Delivery to receiver links is the dispatcher's job.
 */
export class AmqpServer {
  private readonly container: Container;
  private readonly sockets = new Map<Connection, Socket>();
  private readonly dispatcher = new DeliveryDispatcher();
  private readonly linkAddresses = new WeakMap<link, LinkAddress | undefined>();
  /** what the tokens put on each connection's $cbs grant, newest last */
  private readonly grants = new WeakMap<Connection, Grant[]>();

  constructor(
    private readonly store: QueueStore,
    private readonly log: (line: string) => void,
    private readonly rules: readonly AuthorizationRule[],
  ) {
    this.container = rhea.create_container({
      id: 'local-servicebus-peer',
      sender_options: { treat_modified_as_released: false },
      receiver_options: { autoaccept: false, max_message_size: MAX_MESSAGE_SIZE },
    });
    // The SDK authenticates on $cbs, so SASL only has to let it in, whatever mechanism it picks.
    this.container.sasl_server_mechanisms.enable_anonymous();
    this.container.sasl_server_mechanisms.enable_plain(() => true);
    this.registerEvents();
    store.onDeleted((queue) => this.detachLinksOf(queue));
  }

  accept(socket: Socket): void {
    // Only `reconnect` matters for an accepted connection (without options rhea reads client defaults from disk).
    const connection = this.container.create_connection({ reconnect: false } as ConnectionOptions);
    this.sockets.set(connection, socket);
    acceptSocket(connection, socket);
  }

  /** Simulates a network failure: every client sees its connection drop and must reconnect. */
  dropConnections(): void {
    for (const [connection, socket] of [...this.sockets]) {
      this.forget(connection);
      // With an error, so that rhea sees the socket go and stops its heartbeat timer.
      socket.destroy(new ConnectionDroppedError());
    }
  }

  close(): void {
    this.dropConnections();
    this.dispatcher.clear();
  }

  private registerEvents(): void {
    const c = this.container;
    const on = (event: string, handler: (context: EventContext) => void): void => {
      c.on(event, (context: EventContext) => this.guard(() => handler(context)));
    };
    on('sender_open', (context) => this.onSenderOpen(context.sender!));
    on('receiver_open', (context) => this.onReceiverOpen(context.receiver!));
    on('message', (context) => this.onMessage(context));
    on('sendable', (context) => this.dispatcher.onSendable(context.sender!));
    on('sender_draining', (context) => this.dispatcher.onDraining(context.sender!));
    for (const event of DISPOSITION_EVENTS) on(event, (context) => this.dispatcher.onDisposition(event, context.delivery!));
    on('sender_close', (context) => this.dispatcher.remove(context.sender!));
    on('session_close', (context) => this.dispatcher.removeWhere((sender) => sender.session === context.session));
    on('connection_open', (context) => this.log(`[servicebus] connection open from ${context.connection.container_id}`));
    on('connection_close', (context) => this.forget(context.connection));
    on('connection_error', (context) => this.forget(context.connection));
    on('disconnected', (context) => this.forget(context.connection));
    // Link and session errors are the client's to handle; without listeners rhea would raise them here.
    on('sender_error', () => undefined);
    on('receiver_error', () => undefined);
    on('session_error', () => undefined);
    c.on('error', (error: unknown) => this.log(`[servicebus] amqp error: ${describe(error)}`));
  }

  /** A client receiver attaches: the reply link of $cbs/$management, or a consumer of a queue. */
  private onSenderOpen(sender: Sender): void {
    const address = this.addressOf(sender, sender.source?.address);
    if (address?.kind === 'cbs') return echoTerminus(sender);
    const queue = this.resolveQueue(sender, address, sender.source?.address);
    if (!queue || !address) return;
    if (address.kind === 'entity' && isRecord(sender.source?.filter) && SESSION_FILTER in sender.source.filter) {
      return refuse(sender, 'amqp:not-implemented', SESSIONS_NOT_SUPPORTED);
    }
    if (!this.authorize(sender, sender.source?.address, address.kind === 'management' ? ['Listen', 'Send'] : ['Listen'])) return;
    if (address.kind === 'management') return echoTerminus(sender);
    echoTerminus(sender);
    this.dispatcher.add(sender, queue.subQueue(address.entity.deadLetter), sender.snd_settle_mode === 1 ? 'receiveAndDelete' : 'peekLock');
  }

  /** A client sender attaches: requests to $cbs/$management, or messages for a queue. */
  private onReceiverOpen(receiver: Receiver): void {
    const address = this.addressOf(receiver, receiver.target?.address);
    if (address?.kind === 'cbs') return echoTerminus(receiver);
    const queue = this.resolveQueue(receiver, address, receiver.target?.address);
    if (!queue || !address) return;
    if (address.kind === 'entity' && address.entity.deadLetter) {
      return refuse(receiver, 'amqp:not-allowed', 'Messages cannot be sent to a dead-letter queue.');
    }
    if (!this.authorize(receiver, receiver.target?.address, address.kind === 'management' ? ['Listen', 'Send'] : ['Send'])) return;
    echoTerminus(receiver);
  }

  /**
   * A link to a queue needs a token put on this connection's $cbs that covers the queue with one of `rights` and has
   * not expired; the link is closed when its grants expire unless a newer token is put meanwhile (the SDK renews
   * tokens before they expire), as Service Bus does.
   */
  private authorize(endpoint: link, rawAddress: string | undefined, rights: AccessRight[]): boolean {
    // the link's own path (`q`, `q/$management`, `q/$DeadLetterQueue`): a token for the queue covers all three
    const entityPath = resourcePathOf(`sb://namespace/${rawAddress ?? ''}`);
    const connection = endpoint.connection;
    const valid = () => (this.grants.get(connection) ?? []).filter((g) => rights.some((r) => grantAllows(g, entityPath, r, Date.now())));
    if (valid().length === 0) {
      refuse(
        endpoint,
        'amqp:unauthorized-access',
        `Unauthorized access. '${rights.join("' or '")}' claim(s) are required to perform this operation. Resource: '${entityPath}'.`,
      );
      return false;
    }
    const watch = (): void => {
      const until = Math.max(...valid().map((g) => g.expiresAt));
      if (!Number.isFinite(until)) {
        if (endpoint.is_open()) refuse(endpoint, 'amqp:unauthorized-access', 'The token has expired.');
        return;
      }
      setTimeout(watch, Math.min(until - Date.now() + 1, 2 ** 31 - 1)).unref();
    };
    watch();
    return true;
  }

  /** Refuses the link unless the address names an existing queue: not-implemented for what the peer does not serve, else not-found. */
  private resolveQueue(endpoint: link, address: LinkAddress | undefined, rawAddress: string | undefined): Queue | undefined {
    if (!address || address.kind === 'cbs') {
      const unsupported = unsupportedAddressReason(rawAddress);
      if (unsupported) refuse(endpoint, 'amqp:not-implemented', unsupported);
      else refuse(endpoint, 'amqp:not-found', 'The messaging entity could not be found.');
      return undefined;
    }
    const queue = this.store.get(address.entity.queue);
    if (!queue) refuse(endpoint, 'amqp:not-found', notFound(address.entity));
    return queue;
  }

  private onMessage(context: EventContext): void {
    const receiver = context.receiver!;
    const delivery = context.delivery!;
    const address = this.addressOf(receiver, receiver.target?.address);
    if (address?.kind === 'cbs') {
      const connection = context.connection;
      const answer = handleCbsRequest(request(context), this.rules, (grant) => this.grants.set(connection, [...(this.grants.get(connection) ?? []), grant]));
      return this.reply(context, { application_properties: answer, body: null });
    }
    const queue = address ? this.store.get(address.entity.queue) : undefined;
    if (!address || !queue) {
      return delivery.reject({ condition: 'amqp:not-found', description: address ? notFound(address.entity) : 'Unknown entity.' });
    }
    if (address.kind === 'management') {
      const { statusCode, statusDescription, errorCondition, body } = handleManagementRequest(request(context), {
        queue,
        deadLetter: address.entity.deadLetter,
      });
      const applicationProperties = errorCondition ? { statusCode, statusDescription, errorCondition } : { statusCode, statusDescription };
      return this.reply(context, { application_properties: applicationProperties, body });
    }
    let messages: Message[];
    try {
      messages = messagesFromTransfer(payloadOf(context), delivery.format);
    } catch (error) {
      return delivery.reject({ condition: 'amqp:decode-error', description: describe(error) });
    }
    for (const message of messages) queue.send(message);
    delivery.accept();
  }

  /** Request/response: the answer goes to the link whose name or target address is the request's reply_to. */
  private reply(context: EventContext, response: Message): void {
    const requestMessage = request(context);
    context.delivery!.accept();
    const replyTo = requestMessage.reply_to;
    const replySender = context.connection.find_sender((s: Sender) => s.name === replyTo || s.target?.address === replyTo);
    if (!replySender) {
      this.log(`[servicebus] no reply link for ${String(replyTo)}; response dropped`);
      return;
    }
    replySender.send({ ...response, correlation_id: requestMessage.message_id, to: replyTo });
  }

  /** Deleting a queue detaches every link to it, as the service does. */
  private detachLinksOf(queue: Queue): void {
    const error: AmqpError = { condition: 'amqp:not-found', description: notFound({ queue: queue.name, deadLetter: false }) };
    for (const connection of this.sockets.keys()) {
      connection.each_link((endpoint: link) => {
        const address = this.linkAddresses.get(endpoint);
        if (address && address.kind !== 'cbs' && address.entity.queue.toLowerCase() === queue.name.toLowerCase()) {
          if (endpoint.is_sender()) this.dispatcher.remove(endpoint as Sender);
          endpoint.close(error);
        }
      });
    }
  }

  private forget(connection: Connection): void {
    if (!this.sockets.delete(connection)) return;
    this.dispatcher.removeWhere((sender) => sender.connection === connection);
    this.log(`[servicebus] connection from ${connection.container_id} closed`);
  }

  private addressOf(endpoint: link, address: string | undefined): LinkAddress | undefined {
    if (!this.linkAddresses.has(endpoint)) this.linkAddresses.set(endpoint, parseLinkAddress(address));
    return this.linkAddresses.get(endpoint);
  }

  /** A bug in one handler must not take the whole peer down with it. */
  private guard(handler: () => void): void {
    try {
      handler();
    } catch (error) {
      this.log(`[servicebus] handler failed: ${describe(error)}`);
    }
  }
}

/** rhea's typings lack Connection.accept(socket), the server-side counterpart of connect(). */
function acceptSocket(connection: Connection, socket: Socket): void {
  (connection as unknown as { accept(socket: Socket): void }).accept(socket);
}

/** Answers an attach with the client's own addresses and settle modes (rhea's typings hide the local attach frame). */
function echoTerminus(endpoint: link): void {
  const { source, target, snd_settle_mode: sndSettleMode, rcv_settle_mode: rcvSettleMode } = endpoint;
  if (source?.address !== undefined) endpoint.set_source({ address: source.address });
  if (target?.address !== undefined) endpoint.set_target({ address: target.address });
  const local = (endpoint as unknown as { local: { attach: Record<string, unknown> } }).local.attach;
  if (sndSettleMode !== undefined) local.snd_settle_mode = sndSettleMode;
  if (rcvSettleMode !== undefined) local.rcv_settle_mode = rcvSettleMode;
}

/** Refusing an attach: answer it without a terminus, then detach with the error (AMQP 1.0, 2.6.3). */
function refuse(endpoint: link, condition: string, description: string): void {
  endpoint.close({ condition, description });
}

function request(context: EventContext): Message {
  const payload = payloadOf(context);
  return Buffer.isBuffer(payload) ? decodeMessage(payload) : payload;
}

/** rhea decodes format-0 transfers; other formats (batches) arrive as raw bytes. */
function payloadOf(context: EventContext): Message | Buffer {
  const message: unknown = context.message;
  return Buffer.isBuffer(message) ? message : (message as Message);
}

function notFound(entity: EntityPath): string {
  return `The messaging entity '${formatEntityPath(entity)}' could not be found.`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
