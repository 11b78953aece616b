/**
 * A Service Bus feature the local peer does not implement. The admin endpoint answers it with 501 (the SDK's
 * `NotImplemented` code) and AMQP links with `amqp:not-implemented`: a clear refusal, never a silent stand-in.
 */
export class NotSupportedByPeerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotSupportedByPeerError';
  }
}

export const SESSIONS_NOT_SUPPORTED = 'Sessions are not supported by the local Service Bus peer.';
export const TOPICS_NOT_SUPPORTED = 'Topics, subscriptions and rules are not supported by the local Service Bus peer (it serves queues only).';
export const TRANSFER_DEAD_LETTER_NOT_SUPPORTED =
  'The transfer dead-letter queue is not supported by the local Service Bus peer (it has no auto-forwarding or transactions to fill it).';
