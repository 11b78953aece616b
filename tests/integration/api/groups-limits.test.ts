import { describe, expect, it } from 'vitest';
import { apiRoutes } from '../../../api/routes/index.js';
import {
  aGroupBody,
  createGroup,
  expectStatus,
  groupEnvironment,
  groupPath,
  groupsPath,
  listGroups,
  readGroup,
  type GroupBody,
} from '../../support/group-fixtures.js';

interface Capacity {
  committed: number;
  parallelLimit: number;
  groups: Array<{ groupId: string; committed: number; maxBots: number }>;
}

function tally(statuses: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
  return counts;
}

describe('limits, checked in the environment ledger', () => {
  it('12 concurrent creates in an environment with 8 groups leave exactly 10 groups; the rest are 422 GroupLimitReached', async () => {
    const { admin, envId, imageId } = await groupEnvironment();
    for (let i = 0; i < 8; i++) await createGroup(admin, envId, imageId);
    const results = await Promise.all(Array.from({ length: 12 }, () => admin.post(groupsPath(envId), aGroupBody(imageId))));
    expect(tally(results.map((r) => r.status))).toEqual({ 201: 2, 422: 10 });
    for (const r of results.filter((r) => r.status === 422)) expect(r.body.reason).toBe('GroupLimitReached');
    expect(await listGroups(admin, envId)).toHaveLength(10);
    expect((await admin.get<{ groupCount: number }>(`environments/${envId}`)).body.groupCount).toBe(10);
  });

  it('6 concurrent creates of one name (in different cases) leave one group; the rest are 409 NameTaken', async () => {
    const { admin, envId, imageId } = await groupEnvironment();
    const names = ['Payroll', 'PAYROLL', 'payroll', ' Payroll', 'PayRoll', 'payroll '];
    const results = await Promise.all(names.map((name) => admin.post(groupsPath(envId), aGroupBody(imageId, { name }))));
    expect(tally(results.map((r) => r.status))).toEqual({ 201: 1, 409: 5 });
    for (const r of results.filter((r) => r.status === 409)) expect(r.body.reason).toBe('NameTaken');
    expect(await listGroups(admin, envId)).toHaveLength(1);
  });

  it('racing committedBots increases on different groups never exceed the capacity', async () => {
    const { admin, envId, imageId } = await groupEnvironment({ capacity: 10 });
    const groups: GroupBody[] = [];
    for (let i = 0; i < 6; i++) groups.push(await createGroup(admin, envId, imageId, { maxBots: 5, committedBots: 0 }));
    const results = await Promise.all(groups.map((g) => admin.patch(groupPath(envId, g.id), { committedBots: 3 })));
    expect(tally(results.map((r) => r.status))).toEqual({ 200: 3, 422: 3 });
    for (const r of results.filter((r) => r.status === 422)) expect(r.body.reason).toBe('CommittedExceedsCapacity');
    const capacity = (await admin.get<Capacity>(`environments/${envId}/capacity`)).body;
    expect(capacity.committed).toBe(9);
    const stored = await listGroups(admin, envId);
    expect(stored.reduce((sum, g) => sum + g.committedBots, 0)).toBe(9);
  });

  it('racing edits of one group keep the ledger equal to the group: losers get 412', async () => {
    const { admin, envId, imageId } = await groupEnvironment({ capacity: 20 });
    const group = await createGroup(admin, envId, imageId, { maxBots: 10 });
    const results = await Promise.all([1, 2, 3, 4, 5].map((committedBots) => admin.patch(groupPath(envId, group.id), { committedBots })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 200 || s === 412)).toBe(true);
    const stored = await readGroup(admin, envId, group.id);
    const capacity = (await admin.get<Capacity>(`environments/${envId}/capacity`)).body;
    expect(capacity.groups.find((g) => g.groupId === group.id)).toMatchObject({ committed: stored.committedBots, maxBots: stored.maxBots });
  });

  it('creating committed bots beyond the capacity is 422 CommittedExceedsCapacity; a trial runs at most 2', async () => {
    const paid = await groupEnvironment({ capacity: 4 });
    await createGroup(paid.admin, paid.envId, paid.imageId, { maxBots: 4, committedBots: 3 });
    const over = await paid.admin.post(groupsPath(paid.envId), aGroupBody(paid.imageId, { maxBots: 4, committedBots: 2 }));
    expect(over.status).toBe(422);
    expect(over.body.reason).toBe('CommittedExceedsCapacity');
    expect((await paid.admin.post(groupsPath(paid.envId), aGroupBody(paid.imageId, { maxBots: 4, committedBots: 1 }))).status).toBe(201);

    // a trial of capacity 5: maxBots 5 fits the capacity, committed bots only the trial's 2 in parallel
    const trial = await groupEnvironment({ plan: 'trial', capacity: 5 });
    const trialOver = await trial.admin.post(groupsPath(trial.envId), aGroupBody(trial.imageId, { maxBots: 5, committedBots: 3 }));
    expect(trialOver.body.reason).toBe('CommittedExceedsCapacity');
    expect((await trial.admin.post(groupsPath(trial.envId), aGroupBody(trial.imageId, { maxBots: 5, committedBots: 2 }))).status).toBe(201);
  });

  it("maxBots may not exceed the environment's capacity (422 MaxBotsExceedsCapacity, at create and edit); the capacity may go below it later", async () => {
    const { admin, envId, imageId } = await groupEnvironment({ capacity: 6 });
    const over = await admin.post(groupsPath(envId), aGroupBody(imageId, { maxBots: 7 }));
    expect([over.status, over.body.code, over.body.reason]).toEqual([422, 'MaxBotsExceedsCapacity', 'MaxBotsExceedsCapacity']);
    const group = await createGroup(admin, envId, imageId, { maxBots: 6 });
    const raised = await admin.patch(groupPath(envId, group.id), { maxBots: 7 });
    expect([raised.status, raised.body.reason]).toEqual([422, 'MaxBotsExceedsCapacity']);

    // lowering the capacity below a group's maxBots is allowed: the planner never runs more than the capacity
    expectStatus(await admin.patch(`environments/${envId}`, { capacity: 3 }), 200, 'capacity lowered');
    expectStatus(await admin.patch(groupPath(envId, group.id), { description: 'still editable' }), 200, 'edit above capacity');
    const stillAbove = await admin.patch(groupPath(envId, group.id), { maxBots: 4 });
    expect([stillAbove.status, stillAbove.body.reason]).toEqual([200, undefined]); // lowered, if not yet to the capacity
    expect((await admin.patch(groupPath(envId, group.id), { maxBots: 5 })).body.reason).toBe('MaxBotsExceedsCapacity');
    expect((await readGroup(admin, envId, group.id)).maxBots).toBe(4);
  });

  it('a trial environment also holds at most 10 groups', async () => {
    const { admin, envId, imageId } = await groupEnvironment({ plan: 'trial', capacity: 2 });
    for (let i = 0; i < 10; i++) await createGroup(admin, envId, imageId);
    const eleventh = await admin.post(groupsPath(envId), aGroupBody(imageId));
    expect(eleventh.status).toBe(422);
    expect(eleventh.body.reason).toBe('GroupLimitReached');
  });
});

describe('the hostedRpaEnabled switch', () => {
  it('hides groups from lists and refuses creates while off; turning it back on restores them', async () => {
    const { admin, envId, imageId } = await groupEnvironment();
    const group = await createGroup(admin, envId, imageId);
    expectStatus(await admin.patch(`environments/${envId}`, { hostedRpaEnabled: false }), 200, 'switch off');

    expect(await listGroups(admin, envId)).toEqual([]);
    const refused = await admin.post(groupsPath(envId), aGroupBody(imageId));
    expect(refused.status).toBe(422);
    expect(refused.body.reason).toBe('HostedRpaDisabled');

    expectStatus(await admin.patch(`environments/${envId}`, { hostedRpaEnabled: true }), 200, 'switch on');
    expect((await listGroups(admin, envId)).map((g) => g.id)).toEqual([group.id]);
    expect((await admin.post(groupsPath(envId), aGroupBody(imageId))).status).toBe(201);
  });

  it('answers 404 on every route under .../groups/{id} while off, as the list hides them, and lists no group in the capacity view', async () => {
    const { admin, envId, imageId } = await groupEnvironment();
    const group = await createGroup(admin, envId, imageId, { committedBots: 1 });
    const groupRoutes = apiRoutes.filter((r) => r.route.startsWith('environments/{env}/groups/{id}'));
    // a valid body where a route takes one: a body the schema refuses is answered 400 before any lookup, as everywhere
    const bodies: Record<string, unknown> = { updateGroup: { description: 'hidden' }, setGroupAccess: [] };
    const requests = groupRoutes.filter((r) => !r.body || r.name in bodies);
    expect(requests.map((r) => r.name)).toEqual(
      expect.arrayContaining(['getGroup', 'updateGroup', 'deleteGroup', 'getGroupAccess', 'setGroupAccess', 'listGroupBots', 'getGroupQueue']),
    );
    const path = (route: string) => route.replace('{env}', envId).replace('{id}', group.id);
    for (const r of requests.filter((q) => q.method !== 'DELETE')) {
      expect((await admin.request(r.method, path(r.route), bodies[r.name])).status, `${r.method} ${r.route} while on`).not.toBe(404);
    }

    expectStatus(await admin.patch(`environments/${envId}`, { hostedRpaEnabled: false }), 200, 'switch off');
    for (const r of requests) {
      const res = await admin.request(r.method, path(r.route), bodies[r.name]);
      expect([res.status, res.body?.code], `${r.method} ${r.route} while off`).toEqual([404, 'NotFound']);
    }
    const capacity = (await admin.get<Capacity>(`environments/${envId}/capacity`)).body;
    expect(capacity).toMatchObject({ committed: 1, groups: [] });

    expectStatus(await admin.patch(`environments/${envId}`, { hostedRpaEnabled: true }), 200, 'switch on');
    expect((await readGroup(admin, envId, group.id)).id).toBe(group.id);
    expect((await admin.get<Capacity>(`environments/${envId}/capacity`)).body.groups.map((g) => g.groupId)).toEqual([group.id]);
  });
});
