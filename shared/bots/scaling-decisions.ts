import type { Services } from '../composition/services.js';
import type { ScalingDecisionDocument } from '../domain/scaling-decision.js';

/** The controller's latest decision about a group (why its runs wait, or what it did for them), if it made one. */
export async function latestScalingDecision(
  deps: Pick<Services, 'botStore'>,
  environmentId: string,
  groupId: string,
): Promise<ScalingDecisionDocument | undefined> {
  const { items } = await deps.botStore.list<ScalingDecisionDocument>(environmentId, 'scalingDecision', {
    where: { groupId },
    orderBy: 'at',
    descending: true,
    pageSize: 1,
  });
  return items[0];
}
