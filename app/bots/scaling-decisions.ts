import type { ScalingDecisionDocument } from '../../domain/scaling-decision.js';
import type { DocumentStore } from '../ports/document-store.js';

/** Scaling decisions live in the bots container. */
export interface ScalingDecisionPorts {
  botStore: Pick<DocumentStore, 'list'>;
}

/** The controller's latest decision about a group (why its runs wait, or what it did for them), if it made one. */
export async function latestScalingDecision(deps: ScalingDecisionPorts, environmentId: string, groupId: string): Promise<ScalingDecisionDocument | undefined> {
  const { items } = await deps.botStore.list<ScalingDecisionDocument>(environmentId, 'scalingDecision', {
    where: { groupId },
    orderBy: 'at',
    descending: true,
    pageSize: 1,
  });
  return items[0];
}
