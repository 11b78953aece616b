import { beforeAll, describe, expect, it } from 'vitest';
import { runPlanningRound } from '../../../app/bots/planning-round.js';
import type { ScalingDecisionDocument } from '../../../domain/scaling-decision.js';
import type { ApiClient } from '../../support/api-client.js';
import { clientFor } from '../../support/api-client.js';
import { aGroupBody, expectStatus, groupEnvironment, groupPath, groupsPath, readGroup, type GroupBody } from '../../support/group-fixtures.js';
import { aBotRecord } from '../../support/maintenance-fixtures.js';
import { createRunWorld, inProcessServices, submit, submitManyInProcess } from '../../support/run-fixtures.js';

// The service level of a group (targetWaitMinutes, minUtilization, capacitySchedule) through the API, the queue
// view's expectedStartAt, and the planning round recording a service-level conflict. docs/scaling.md.

type ServiceLevelBody = GroupBody & {
  targetWaitMinutes?: number;
  minUtilization?: number;
  capacitySchedule?: Array<{ from: string; to: string; committedBots: number }>;
};

const quarterEnd = [{ from: '2026-03-25T00:00:00Z', to: '2026-04-02T00:00:00Z', committedBots: 3 }];

describe('a group’s service level through the API', () => {
  let admin: ApiClient;
  let envId: string;
  let imageId: string;

  beforeAll(async () => {
    ({ admin, envId, imageId } = await groupEnvironment({ capacity: 20 }));
  });

  it('is taken at create, shown by GET, changed by PATCH and cleared with null', async () => {
    const created = expectStatus(
      await admin.post<ServiceLevelBody>(
        groupsPath(envId),
        aGroupBody(imageId, { maxBots: 4, targetWaitMinutes: 5, minUtilization: 0.5, capacitySchedule: quarterEnd }),
      ),
      201,
      'create',
    );
    expect(created.body).toMatchObject({ targetWaitMinutes: 5, minUtilization: 0.5, capacitySchedule: quarterEnd.map((w) => ({ ...w })) });
    const read = (await readGroup(admin, envId, created.body.id)) as ServiceLevelBody;
    expect(read).toMatchObject({ targetWaitMinutes: 5, minUtilization: 0.5 });
    expect(read.capacitySchedule).toHaveLength(1);

    const patched = expectStatus(
      await admin.patch<ServiceLevelBody>(
        groupPath(envId, created.body.id),
        { targetWaitMinutes: 30, minUtilization: null, capacitySchedule: [] },
        { 'if-match': created.body.etag },
      ),
      200,
      'patch',
    );
    expect(patched.body.targetWaitMinutes).toBe(30);
    expect(patched.body).not.toHaveProperty('minUtilization');
    expect(patched.body).not.toHaveProperty('capacitySchedule');
    const cleared = expectStatus(
      await admin.patch<ServiceLevelBody>(
        groupPath(envId, created.body.id),
        { targetWaitMinutes: null, description: 'kept' },
        { 'if-match': patched.body.etag },
      ),
      200,
      'clear',
    );
    expect(cleared.body).not.toHaveProperty('targetWaitMinutes');
    expect(cleared.body.description).toBe('kept');
  });

  it('is absent on a group created without one', async () => {
    const created = expectStatus(await admin.post<ServiceLevelBody>(groupsPath(envId), aGroupBody(imageId)), 201, 'create');
    expect(created.body).not.toHaveProperty('targetWaitMinutes');
    expect(created.body).not.toHaveProperty('minUtilization');
    expect(created.body).not.toHaveProperty('capacitySchedule');
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['targetWaitMinutes 0', { targetWaitMinutes: 0 }, 'targetWaitMinutes'],
    ['targetWaitMinutes 1441', { targetWaitMinutes: 1441 }, 'targetWaitMinutes'],
    ['targetWaitMinutes 2.5', { targetWaitMinutes: 2.5 }, 'targetWaitMinutes'],
    ['minUtilization 1.5', { minUtilization: 1.5 }, 'minUtilization'],
    ['minUtilization -0.1', { minUtilization: -0.1 }, 'minUtilization'],
    [
      'a window ending before it starts',
      { capacitySchedule: [{ from: '2026-04-02T00:00:00Z', to: '2026-03-25T00:00:00Z', committedBots: 1 }] },
      'capacitySchedule.0.to',
    ],
    ['a window with 51 committed bots', { capacitySchedule: [{ ...quarterEnd[0], committedBots: 51 }] }, 'capacitySchedule.0.committedBots'],
    ['a window that is no instant', { capacitySchedule: [{ ...quarterEnd[0], from: 'quarter end' }] }, 'capacitySchedule.0.from'],
  ])('refuses %s with 400 problem+json naming the field, at create and at PATCH', async (_what, fields, field) => {
    const res = await admin.post(groupsPath(envId), aGroupBody(imageId, fields));
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    const group = expectStatus(await admin.post<GroupBody>(groupsPath(envId), aGroupBody(imageId)), 201, 'create');
    const patch = await admin.patch(groupPath(envId, group.body.id), fields, { 'if-match': group.body.etag });
    expect(patch.status).toBe(400);
    expect(patch.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    await admin.delete(groupPath(envId, group.body.id), { 'if-match': group.body.etag });
  });
});

describe('the queue view’s expectedStartAt', () => {
  it('is null with a reason while no bot is there, and a time from the group’s busy bot once one is', async () => {
    const admin = await clientFor({ userId: 'service-level-admin', platformAdmin: true });
    const w = await createRunWorld(admin);
    const run = await submit(w);
    const queuePath = `environments/${w.envId}/groups/${w.groupId}/queue`;
    type Entry = { id: string; expectedStartAt?: string | null; expectedStartReason?: string };
    const before = expectStatus(await admin.get<{ items: Entry[] }>(queuePath), 200, 'queue').body.items.find((e) => e.id === run.id);
    expect(before?.expectedStartAt).toBeNull();
    expect(typeof before?.expectedStartReason).toBe('string');

    // a busy bot (capacity 0: the controller starts none of its own, and never releases a busy one) frees after a
    // typical run: with nothing learned yet, the default provisioning time (10 min) stands in for it
    const deps = inProcessServices();
    await aBotRecord(deps, w.envId, w.groupId, 'Busy');
    const now = Date.now();
    const after = expectStatus(await admin.get<{ items: Entry[] }>(queuePath), 200, 'queue').body.items.find((e) => e.id === run.id);
    const at = Date.parse(after?.expectedStartAt ?? '');
    expect(at).toBeGreaterThan(now + 8 * 60_000);
    expect(at).toBeLessThan(now + 12 * 60_000);
    expect(after).not.toHaveProperty('expectedStartReason');
  });
});

describe('the planning round and the service level', () => {
  it('records service-level-conflict when minUtilization cuts the warm bots targetWaitMinutes asks for', async () => {
    const admin = await clientFor({ userId: 'service-level-admin', platformAdmin: true });
    const w = await createRunWorld(admin);
    const group = await readGroup(admin, w.envId, w.groupId);
    expectStatus(
      await admin.patch(groupPath(w.envId, w.groupId), { targetWaitMinutes: 1, minUtilization: 0.9 }, { 'if-match': group.etag }),
      200,
      'service level',
    );
    const deps = inProcessServices();
    const noQueue = async () => undefined;
    // submitted in process: the route would wake the environment's controller, whose own round could take the
    // arrivals in between and leave this test's rounds none to learn from
    await submitManyInProcess(deps, w, 1, 1);
    await runPlanningRound(deps, w.envId, noQueue);
    // runs arrive between two rounds: the group's stats learn an arrival rate, so runs are expected within the
    // provisioning time; the 1-minute target asks for warm bots, and minUtilization 0.9 with nothing running allows none
    await submitManyInProcess(deps, w, 2, 1);
    const round = await runPlanningRound(deps, w.envId, noQueue);
    const groupPlan = round.plan?.groups.find((g) => g.groupId === w.groupId);
    expect(groupPlan?.serviceLevel).toMatchObject({ targetWaitMinutes: 1, minUtilization: 0.9, conflict: true });
    const { items } = await deps.botStore.list<ScalingDecisionDocument>(w.envId, 'scalingDecision', {
      where: { groupId: w.groupId, reason: 'service-level-conflict' },
    });
    expect(items.length).toBeGreaterThanOrEqual(1);
    expect(items[0]).toMatchObject({ action: 'none', detail: expect.stringMatching(/minUtilization 0\.9/) });
    // recorded when the conflict starts, not at every round
    await runPlanningRound(deps, w.envId, noQueue);
    const again = await deps.botStore.list<ScalingDecisionDocument>(w.envId, 'scalingDecision', {
      where: { groupId: w.groupId, reason: 'service-level-conflict' },
    });
    expect(again.items).toHaveLength(items.length);
  });
});
