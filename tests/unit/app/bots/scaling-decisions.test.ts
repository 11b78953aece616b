import { describe, expect, it } from 'vitest';
import { latestScalingDecision, type ScalingDecisionPorts } from '../../../../app/bots/scaling-decisions.js';
import type { ScalingDecisionDocument } from '../../../../domain/scaling-decision.js';
import type { ListOptions } from '../../../../app/ports/document-store.js';
import { MemoryDocumentStore } from '../../../support/fakes/memory-document-store.js';
import { ENV, NOW } from '../../../support/fakes/use-case-ports.js';

const minutesAfterNow = (m: number) => new Date(Date.parse(NOW) + m * 60_000).toISOString();

function aDecision(id: string, groupId: string, at: string, fields: Partial<ScalingDecisionDocument> = {}): ScalingDecisionDocument {
  return {
    id,
    environmentId: ENV,
    type: 'scalingDecision',
    groupId,
    at,
    action: 'none',
    botIds: [],
    count: 0,
    reason: 'group-at-max-bots',
    detail: '',
    createdAt: at,
    updatedAt: at,
    ...fields,
  };
}

describe('latestScalingDecision', () => {
  it('is the group’s decision made last, whatever the order they were written in', async () => {
    const botStore = new MemoryDocumentStore();
    await botStore.create(aDecision('d-2', 'group-1', minutesAfterNow(2), { action: 'create', count: 1, reason: 'demand' }));
    await botStore.create(aDecision('d-3', 'group-1', minutesAfterNow(3)));
    await botStore.create(aDecision('d-1', 'group-1', minutesAfterNow(1)));
    await botStore.create(aDecision('d-9', 'group-2', minutesAfterNow(9)));
    expect((await latestScalingDecision({ botStore }, ENV, 'group-1'))?.id).toBe('d-3');
    expect((await latestScalingDecision({ botStore }, ENV, 'group-2'))?.id).toBe('d-9');
  });

  it('is undefined for a group the controller never decided about', async () => {
    const botStore = new MemoryDocumentStore();
    await botStore.create(aDecision('d-1', 'group-1', NOW));
    expect(await latestScalingDecision({ botStore }, ENV, 'group-2')).toBeUndefined();
  });

  it('asks the store for one decision of the group, newest first', async () => {
    const asked: Array<[string, string, ListOptions | undefined]> = [];
    const deps: ScalingDecisionPorts = {
      botStore: {
        list: async (environmentId, type, options) => {
          asked.push([environmentId, type, options]);
          return { items: [] };
        },
      },
    };
    await latestScalingDecision(deps, ENV, 'group-1');
    expect(asked).toEqual([[ENV, 'scalingDecision', { where: { groupId: 'group-1' }, orderBy: 'at', descending: true, pageSize: 1 }]]);
  });
});
