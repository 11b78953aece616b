import type { BotDocument, BotState } from '../../../domain/bot.js';
import type { Versioned } from '../../../app/ports/document-store.js';
import type { MemoryDocumentStore } from './memory-document-store.js';
import { BUILT_IN_IMAGE, ENV, NOW } from './use-case-ports.js';

export const BOT_ID = 'bot-1';
export const BOT_GROUP_ID = 'group-1';

/**
 * A bot record: `bot-1` of `group-1` in the test environment, Ready since NOW on the built-in image (the version
 * its image spec gives, so it is not outdated), credential version 1; `overrides` change any field.
 */
export function aBotDocument(overrides: Partial<BotDocument> = {}): BotDocument {
  return {
    id: BOT_ID,
    environmentId: ENV,
    type: 'bot',
    groupId: BOT_GROUP_ID,
    state: 'Ready',
    imageId: BUILT_IN_IMAGE,
    imageVersion: 'latest',
    since: NOW,
    credentialVersion: 1,
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  };
}

/** `aBotDocument(overrides)` written to the bots container. */
export function seedBot(botStore: MemoryDocumentStore, overrides: Partial<BotDocument> = {}): Promise<Versioned<BotDocument>> {
  return botStore.create(aBotDocument(overrides));
}

/** `aBotDocument` with its id, group and state named first (the maintenance tests' many bots). */
export function botDocument(id: string, groupId: string, state: BotState, overrides: Partial<BotDocument> = {}): BotDocument {
  return aBotDocument({ id, groupId, state, ...overrides });
}
