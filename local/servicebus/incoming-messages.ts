import type { Message } from 'rhea';
import { decodeMessage } from './message-codec.js';

/** Message format of a Service Bus batch: one AMQP message whose data sections are the encoded messages. */
export const BATCH_MESSAGE_FORMAT = 0x80013700;

/**
 * The messages in one transfer. rhea decodes format-0 transfers itself and hands other formats over as
 * raw bytes; `sendMessages([...])` and `createMessageBatch` arrive as one batch transfer.
 */
export function messagesFromTransfer(payload: Message | Buffer, format: number | undefined): Message[] {
  if (!Buffer.isBuffer(payload)) return [payload];
  const envelope = decodeMessage(payload);
  if (format !== BATCH_MESSAGE_FORMAT) return [envelope];
  return dataSections(envelope.body).map((encoded) => decodeMessage(encoded));
}

function dataSections(body: unknown): Buffer[] {
  if (typeof body !== 'object' || body === null || !('content' in body)) {
    throw new Error('Batch message without data sections');
  }
  const content: unknown = body.content;
  const sections = Array.isArray(content) ? content : [content];
  return sections.map((section: unknown) => {
    if (!Buffer.isBuffer(section)) throw new Error('Batch data section is not binary');
    return section;
  });
}
