import { ServiceBusClient, type ServiceBusReceivedMessage, type ServiceBusReceiver } from '@azure/service-bus';
import type { QueueCredentialResponse } from '../protocol/agent-protocol.js';

/**
 * `AzureSASCredential` of @azure/core-auth, by its shape (the SDK recognises a SAS credential by its `signature`):
 * @azure/core-auth is only a transitive dependency here. The SDK reads `signature` at each token refresh.
 */
class AzureSASCredential {
  constructor(public signature: string) {}

  update(signature: string): void {
    this.signature = signature;
  }
}

/** A token is renewed when it has less than this left (tokens live an hour). */
const RENEW_BEFORE_MS = 10 * 60_000;

export interface QueueListenerOptions {
  fetchCredential: () => Promise<QueueCredentialResponse>;
  /** the local Service Bus peer: plain AMQP, the emulator form of a connection */
  emulator?: boolean;
}

/**
 * The agent's side of its group queue: a competing consumer, peek-lock, one wake-up at a time, with a receive-only
 * SAS token that it renews before expiry (AzureSASCredential.update; the local peer's emulator form reconnects).
 */
export class QueueListener {
  #client: ServiceBusClient | undefined;
  #receiver: ServiceBusReceiver | undefined;
  #sas: AzureSASCredential | undefined;
  #expiresAt = 0;

  constructor(private readonly options: QueueListenerOptions) {}

  async #fresh(): Promise<ServiceBusReceiver> {
    if (this.#receiver && Date.now() < this.#expiresAt - RENEW_BEFORE_MS) return this.#receiver;
    const credential = await this.options.fetchCredential();
    this.#expiresAt = Date.parse(credential.expiresOn);
    if (this.#sas && !this.options.emulator && this.#receiver) {
      this.#sas.update(credential.sasToken);
      return this.#receiver;
    }
    await this.close();
    if (this.options.emulator) {
      this.#client = new ServiceBusClient(
        `Endpoint=sb://${credential.fullyQualifiedNamespace};SharedAccessSignature=${credential.sasToken};UseDevelopmentEmulator=true`,
      );
    } else {
      this.#sas = new AzureSASCredential(credential.sasToken);
      this.#client = new ServiceBusClient(credential.fullyQualifiedNamespace, this.#sas);
    }
    this.#receiver = this.#client.createReceiver(credential.queueName, { receiveMode: 'peekLock' });
    return this.#receiver;
  }

  /** The next wake-up under peek-lock, waiting at most `maxWaitMs`. */
  async next(maxWaitMs: number): Promise<ServiceBusReceivedMessage | undefined> {
    const receiver = await this.#fresh();
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: maxWaitMs });
    return message;
  }

  /** Best effort: a wake-up that is not completed only comes back once more (and costs one `NothingQueued` claim). */
  async complete(message: ServiceBusReceivedMessage): Promise<void> {
    // eslint-disable-next-line no-restricted-syntax -- silence is right: see the comment above
    await this.#receiver?.completeMessage(message).catch(() => undefined);
  }

  /** Best effort: the wake-up goes back to the queue at once, for another bot of the group. */
  async abandon(message: ServiceBusReceivedMessage): Promise<void> {
    // eslint-disable-next-line no-restricted-syntax -- silence is right: see the comment above
    await this.#receiver?.abandonMessage(message).catch(() => undefined);
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    this.#receiver = undefined;
    this.#sas = undefined;
    // eslint-disable-next-line no-restricted-syntax -- silence is right: see the comment above
    await client?.close().catch(() => undefined);
  }
}
