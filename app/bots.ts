import type { Principal } from '../domain/principal.js';
import type { BotDocument, BotState } from '../domain/bot.js';
import { invalidContinuationToken } from './paging/continuation-tokens.js';
import type { ScalingDecisionDocument } from '../domain/scaling-decision.js';
import type { DocumentStore, Page, Versioned } from './ports/document-store.js';
import { loadGroup, type GroupReadPorts } from './groups/load-group.js';
import { readPage } from './paging/paged-list.js';

/** What listing a group's bots and its scaling decisions needs: the group as the caller may see it, and the bots container. */
export type GroupBotsPorts = GroupReadPorts & { botStore: Pick<DocumentStore, 'list'> };

export { LIVE_BOT_STATES } from '../domain/bot.js';

/**
 * The bots of a group in the given states (newest first), paged, for anyone who may see the group. The store's
 * continuation token travels with the states it was read for, so that a token is good only for the same filter.
 */
export async function listGroupBots(
  deps: GroupBotsPorts,
  principal: Principal,
  environmentId: string,
  groupId: string,
  page: { states: readonly BotState[]; pageSize: number; continuationToken?: string },
): Promise<Page<Versioned<BotDocument>>> {
  const { group } = await loadGroup(deps, principal, environmentId, groupId, 'use');
  const states = [...new Set(page.states)].sort();
  const filter = states.join(',');
  const storeToken = page.continuationToken === undefined ? undefined : openBotsToken(page.continuationToken, filter);
  const result = await readPage(storeToken, () =>
    deps.botStore.list<BotDocument>(group.environmentId, 'bot', {
      where: { groupId: group.id },
      whereIn: { state: states },
      orderBy: 'createdAt',
      descending: true,
      pageSize: page.pageSize,
      continuationToken: storeToken,
    }),
  );
  return {
    items: result.items,
    ...(result.continuationToken ? { continuationToken: JSON.stringify({ states: filter, token: result.continuationToken }) } : {}),
  };
}

function openBotsToken(token: string, filter: string): string {
  try {
    const parsed = JSON.parse(token) as { states?: unknown; token?: unknown };
    if (parsed.states === filter && typeof parsed.token === 'string' && parsed.token.length > 0) return parsed.token;
  } catch {
    // not one of ours
  }
  throw invalidContinuationToken();
}

/** Recent scaling decisions about a group, newest first, paged. */
export async function listScalingDecisions(
  deps: GroupBotsPorts,
  principal: Principal,
  environmentId: string,
  groupId: string,
  page: { pageSize: number; continuationToken?: string },
): Promise<Page<Versioned<ScalingDecisionDocument>>> {
  const { group } = await loadGroup(deps, principal, environmentId, groupId, 'use');
  return readPage(page.continuationToken, () =>
    deps.botStore.list<ScalingDecisionDocument>(group.environmentId, 'scalingDecision', {
      where: { groupId: group.id },
      orderBy: 'at',
      descending: true,
      pageSize: page.pageSize,
      continuationToken: page.continuationToken,
    }),
  );
}
