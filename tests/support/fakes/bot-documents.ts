import type { BotDocument, BotState } from '../../../domain/bot.js';
import { BUILT_IN_IMAGE, ENV, NOW } from './use-case-ports.js';

/** A bot record as the controller writes it (built-in image, in `state` since NOW), for writing to a bots store. */
export function botDocument(id: string, groupId: string, state: BotState, overrides: Partial<BotDocument> = {}): BotDocument {
  return {
    id,
    environmentId: ENV,
    type: 'bot',
    groupId,
    state,
    imageId: BUILT_IN_IMAGE,
    imageVersion: 'latest',
    since: NOW,
    credentialVersion: 1,
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  };
}
