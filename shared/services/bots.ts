import type { Principal } from '../auth/principal.js';
import type { Services } from '../composition/services.js';
import type { BotDocument } from '../domain/bot.js';
import type { ScalingDecisionDocument } from '../domain/scaling-decision.js';
import type { Page, Versioned } from '../store/document-store.js';
import { loadGroup } from './groups/load-group.js';
import { readPage } from './paged-list.js';

/** The bots of a group (newest first), for anyone who may see the group. */
export async function listGroupBots(deps: Services, principal: Principal, environmentId: string | undefined, groupId: string | undefined): Promise<Versioned<BotDocument>[]> {
  const { group } = await loadGroup(deps, principal, environmentId, groupId, 'use');
  const { items } = await deps.botStore.list<BotDocument>(group.environmentId, 'bot', { where: { groupId: group.id }, orderBy: 'createdAt', descending: true });
  return items;
}

/** Recent scaling decisions about a group, newest first, paged. */
export async function listScalingDecisions(
  deps: Services,
  principal: Principal,
  environmentId: string | undefined,
  groupId: string | undefined,
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
