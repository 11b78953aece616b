import { beforeEach, describe, expect, it } from 'vitest';
import { groupQueue, pastRuns } from '../../../../app/groups/group-runs.js';
import { runPorts, seedRun, type RunPorts } from '../../../support/fakes/run-ports.js';
import { ENV, NOW, seedEnvironment, seedGroup, seedMember, userPrincipal } from '../../../support/fakes/use-case-ports.js';

const GROUP_ID = 'bbbbbbbb-0000-4000-8000-000000000001';
const PAGE = { pageSize: 50 };
const user = userPrincipal('user');
let ports: RunPorts;

beforeEach(async () => {
  ports = runPorts();
  await seedEnvironment(ports.store);
  await seedMember(ports.store, 'user', ['BasicUser']);
  await seedMember(ports.store, 'stranger', ['BasicUser']);
  await seedGroup(ports, GROUP_ID, 'pw', { shares: [{ userId: 'user', permission: 'User' }] });
});

describe('groupQueue', () => {
  it('lists running runs first, then queued ones in dispatch order, with position and wait', async () => {
    await seedRun(ports, 'queued-normal', GROUP_ID, 'user');
    await seedRun(ports, 'queued-high', GROUP_ID, 'user', { priority: 'High', dispatchKey: '0' });
    await seedRun(ports, 'running', GROUP_ID, 'user', { state: 'Running', startedAt: NOW, botId: 'bot-1' });
    ports.clock.advance(90_000);
    const view = await groupQueue(ports, user, ENV, GROUP_ID, PAGE);
    expect(view.items.map((e) => [e.run.id, e.position, e.waitSeconds])).toEqual([
      ['running', 1, 0],
      ['queued-high', 2, 90],
      ['queued-normal', 3, 90],
    ]);
    expect(view.lastScalingDecision).toBeUndefined();
  });

  it('hides the group from a member who may not use it (404)', async () => {
    await expect(groupQueue(ports, userPrincipal('stranger'), ENV, GROUP_ID, PAGE)).rejects.toMatchObject({ code: 'NotFound' });
  });

  it('refuses a continuation token that is not one of its own (400)', async () => {
    await expect(groupQueue(ports, user, ENV, GROUP_ID, { pageSize: 50, continuationToken: 'not-ours' })).rejects.toMatchObject({ status: 400 });
  });
});

describe('pastRuns', () => {
  it("lists the group's ended runs, the most recently ended first", async () => {
    await seedRun(ports, 'older', GROUP_ID, 'user', { state: 'Succeeded', endedAt: '2026-01-01T01:00:00.000Z' });
    await seedRun(ports, 'newer', GROUP_ID, 'user', { state: 'Failed', endedAt: '2026-01-01T02:00:00.000Z' });
    await seedRun(ports, 'still-queued', GROUP_ID, 'user');
    expect((await pastRuns(ports, user, ENV, GROUP_ID, PAGE)).items.map((r) => r.id)).toEqual(['newer', 'older']);
  });
});
