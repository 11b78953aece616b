import type { BotDocument, BotState } from '../../domain/bot.js';
import type { GroupDocument, ProvisioningError } from '../../domain/group.js';
import { StalePreconditionError, type DocumentStore, type Versioned } from '../ports/document-store.js';

const ATTEMPTS = 8;
export const MAX_PROVISIONING_ERRORS = 50;

/** What a bot record's read-modify-write needs: the bots container and the clock. */
export interface BotRecordPorts {
  botStore: DocumentStore;
  now(): Date;
}

/** What filing a provisioning failure on its group needs: the control container and the clock. */
export interface GroupErrorPorts {
  store: DocumentStore;
  now(): Date;
}

export interface BotRef {
  environmentId: string;
  groupId: string;
  botId: string;
}

/**
 * Read-modify-write of a bot record under its etag, retried on lost races (the agent's heartbeats and the
 * lifecycle write the same record). `change` returns undefined to leave the record as it is.
 */
export async function updateBot(
  deps: BotRecordPorts,
  ref: BotRef,
  change: (bot: Versioned<BotDocument>) => BotDocument | undefined,
): Promise<Versioned<BotDocument> | undefined> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const bot = await deps.botStore.get<BotDocument>(ref.environmentId, ref.botId);
    if (!bot) return undefined;
    const next = change(bot);
    if (!next) return bot;
    try {
      return await deps.botStore.replace({ ...next, updatedAt: deps.now().toISOString() }, bot.etag);
    } catch (err) {
      if (!(err instanceof StalePreconditionError) || attempt === ATTEMPTS) throw err;
    }
  }
  return undefined;
}

export function setState(deps: BotRecordPorts, ref: BotRef, state: BotState, fields: Partial<BotDocument> = {}): Promise<Versioned<BotDocument> | undefined> {
  const since = deps.now().toISOString();
  return updateBot(deps, ref, (bot) =>
    bot.state === state && Object.keys(fields).length === 0 ? undefined : { ...bot, ...fields, state, since: bot.state === state ? bot.since : since },
  );
}

/** Appends a provisioning failure to the group (the newest 50 are kept), served by `.../groups/{id}/errors`. */
export async function recordProvisioningError(deps: GroupErrorPorts, ref: BotRef, reason: string): Promise<void> {
  const entry: ProvisioningError = { at: deps.now().toISOString(), botId: ref.botId, reason: reason.slice(0, 1_000) };
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const group = await deps.store.get<GroupDocument>(ref.environmentId, ref.groupId);
    if (!group) return;
    const provisioningErrors = [...(group.provisioningErrors ?? []), entry].slice(-MAX_PROVISIONING_ERRORS);
    try {
      await deps.store.replace({ ...group, provisioningErrors }, group.etag);
      return;
    } catch (err) {
      if (!(err instanceof StalePreconditionError) || attempt === ATTEMPTS) throw err;
    }
  }
}
