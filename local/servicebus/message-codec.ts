import rhea from 'rhea';
import type { Message } from 'rhea';

/**
 * rhea declares two Message types (the decoded one lacks `body`); everything here uses the one the
 * links send and receive.
 */
export function decodeMessage(bytes: Buffer): Message {
  return rhea.message.decode(bytes) as unknown as Message;
}

export function encodeMessage(message: Message): Buffer {
  return rhea.message.encode(message);
}
