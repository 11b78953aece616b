import { beforeEach, describe, expect, it } from 'vitest';
import type { BotDocument, BotState } from '../../../domain/bot.js';
import type { ScalingDecisionDocument } from '../../../domain/scaling-decision.js';
import { LIVE_BOT_STATES, listGroupBots, listScalingDecisions, type GroupBotsPorts } from '../../../app/bots.js';
import { MemoryDocumentStore } from '../../support/fakes/memory-document-store.js';
import { ENV, NOW, seedEnvironment, seedGroup, seedMember, useCasePorts, userPrincipal, type UseCasePorts } from '../../support/fakes/use-case-ports.js';

const G1 = '55555555-5555-4555-8555-000000000001';
const owner = userPrincipal('owner');

let ports: UseCasePorts & GroupBotsPorts;
let botStore: MemoryDocumentStore;

function bot(id: string, state: BotState, createdAt: string): BotDocument {
  return {
    id,
    environmentId: ENV,
    type: 'bot',
    groupId: G1,
    state,
    imageVersion: '1',
    imageId: 'img',
    since: createdAt,
    credentialVersion: 1,
    createdAt,
    updatedAt: createdAt,
  };
}

beforeEach(async () => {
  botStore = new MemoryDocumentStore();
  ports = { ...useCasePorts(), botStore };
  await seedEnvironment(ports.store);
  await seedMember(ports.store, 'owner', ['EnvironmentMaker']);
  await seedMember(ports.store, 'stranger', ['BasicUser']);
  await seedGroup(ports, G1, 'p');
  await botStore.create(bot('b1', 'Ready', '2026-01-01T00:00:01.000Z'));
  await botStore.create(bot('b2', 'Busy', '2026-01-01T00:00:02.000Z'));
  await botStore.create(bot('b3', 'Deleted', '2026-01-01T00:00:03.000Z'));
});

describe('listGroupBots', () => {
  it('lists the live bots, newest first, when no state is named', async () => {
    const page = await listGroupBots(ports, owner, ENV, G1, { states: LIVE_BOT_STATES, pageSize: 50 });
    expect(page.items.map((b) => b.id)).toEqual(['b2', 'b1']);
  });

  it('lists the states named, deleted bots included', async () => {
    const page = await listGroupBots(ports, owner, ENV, G1, { states: ['Deleted'], pageSize: 50 });
    expect(page.items.map((b) => b.id)).toEqual(['b3']);
  });

  it('refuses a continuation token read for other states (400 InvalidContinuationToken)', async () => {
    const token = JSON.stringify({ states: 'Ready', token: 'page-2' });
    await expect(listGroupBots(ports, owner, ENV, G1, { states: ['Busy'], pageSize: 50, continuationToken: token })).rejects.toMatchObject({
      code: 'InvalidContinuationToken',
    });
  });

  it('answers 404 to a member who may not see the group', async () => {
    await expect(listGroupBots(ports, userPrincipal('stranger'), ENV, G1, { states: LIVE_BOT_STATES, pageSize: 50 })).rejects.toMatchObject({
      code: 'NotFound',
    });
  });
});

describe('listScalingDecisions', () => {
  it("lists the group's decisions, newest first", async () => {
    const decision = (id: string, at: string, groupId = G1) => ({
      id,
      environmentId: ENV,
      type: 'scalingDecision',
      groupId,
      at,
      createdAt: NOW,
      updatedAt: NOW,
    });
    await botStore.create(decision('d1', '2026-01-01T00:01:00.000Z') as unknown as ScalingDecisionDocument);
    await botStore.create(decision('d2', '2026-01-01T00:02:00.000Z') as unknown as ScalingDecisionDocument);
    await botStore.create(decision('d3', '2026-01-01T00:03:00.000Z', 'other') as unknown as ScalingDecisionDocument);
    const page = await listScalingDecisions(ports, owner, ENV, G1, { pageSize: 50 });
    expect(page.items.map((d) => d.id)).toEqual(['d2', 'd1']);
  });
});
