import type { StoredDocument } from './stored-document.js';

export const BOT_STATES = ['Provisioning', 'Ready', 'Busy', 'Draining', 'Deprovisioning', 'Deleted', 'Failed'] as const;
export type BotState = (typeof BOT_STATES)[number];

/** Bots that count against maxBots and capacity: everything not yet gone. */
export function isAlive(state: BotState): boolean {
  return state !== 'Deleted' && state !== 'Failed';
}

/** The states a bots list shows when the caller names none: the bots that exist (not Deleted or Failed). */
export const LIVE_BOT_STATES: readonly BotState[] = BOT_STATES.filter(isAlive);

/**
 * A bot (a VM of a group) as the control plane knows it, in the `bots` container. Its lifecycle orchestration
 * (`bot-{id}`) is the only writer of `state`; the agent surface writes `lastHeartbeatAt`.
 */
export interface BotDocument extends StoredDocument {
  type: 'bot';
  groupId: string;
  state: BotState;
  /** the image version the VM was built from */
  imageVersion: string;
  imageId: string;
  /** when the bot entered its current state */
  since: string;
  currentRunId?: string;
  /** bumped at every (re)provision: credentials of older versions are refused */
  credentialVersion: number;
  lastHeartbeatAt?: string;
  vmResourceId?: string;
  /** why the bot is draining or was torn down */
  reason?: string;
  /** the controller asked for the bot to go (acted on when it is next idle or about to claim) */
  releaseRequested?: string;
  /** the controller asked for the bot to be rebuilt from its group's current image */
  drainRequested?: 'reprovision';
}

export function botDocumentId(botId: string): string {
  return botId;
}
