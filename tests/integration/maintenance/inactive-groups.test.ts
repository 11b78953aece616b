import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EnvironmentDocument } from '../../../domain/environment.js';
import type { GroupDocument } from '../../../domain/group.js';
import { QueueNotFoundError } from '../../../app/ports/group-queues.js';
import { changeEnvironment } from '../../../app/environments/environment-context.js';
import { claimNextRun } from '../../../app/runs/claim.js';
import { finishRun } from '../../../app/runs/finish.js';
import { cleanUpInactiveGroups } from '../../../app/maintenance/inactive-groups.js';
import { clientFor, type ApiClient } from '../../support/api-client.js';
import { aConnection, aGroup, builtInImageId, createGroup } from '../../support/connection-fixtures.js';
import { createEnvironment } from '../../support/fixtures.js';
import { DAY, MINUTE, RecordedSignals, sweepServices, TestClock } from '../../support/maintenance-fixtures.js';
import { aRun, createRunWorld, readRun, runsPath, submit, type RunWorld } from '../../support/run-fixtures.js';

// The inactivity cleanup with a clock the test moves: INACTIVE_GROUP_DAYS is 28 (the default) on the shared cloud.

let admin: ApiClient;

beforeAll(async () => {
  admin = await clientFor({ userId: 'inactive-groups-admin', platformAdmin: true });
});

type GroupBody = { id: string; status: string; etag: string; deletedAt?: string; deletedReason?: string; lastRunStartedAt?: string; reactivatedAt?: string };

async function groupOf(world: RunWorld): Promise<GroupBody> {
  return (await admin.get<GroupBody>(`environments/${world.envId}/groups/${world.groupId}`)).body;
}

async function cleanupAt(world: RunWorld, clock: TestClock) {
  const signals = new RecordedSignals();
  const report = await cleanUpInactiveGroups(sweepServices([world.envId], clock), signals);
  return { report, signals };
}

describe('inactive group cleanup', () => {
  it('marks a group on which no desktop flow ran for 28 days deleted: still listed and readable, refusing runs, connections and edits', async () => {
    const world = await createRunWorld(admin);
    const created = new Date();
    expect((await cleanupAt(world, new TestClock(new Date(created.getTime() + 27 * DAY)))).report.actions).toEqual([]);
    expect((await groupOf(world)).status).toBe('active');

    const { report, signals } = await cleanupAt(world, new TestClock(new Date(created.getTime() + 28 * DAY + MINUTE)));
    expect(report.actions.map((a) => [a.action, a.groupId, a.reason])).toEqual([['groupDeleted', world.groupId, 'Inactive']]);
    expect(signals.woken).toEqual([world.envId]); // the controller tears the group's bots down

    const group = await groupOf(world);
    expect(group).toMatchObject({ status: 'deleted', deletedReason: 'Inactive' });
    expect(Date.parse(group.deletedAt ?? '')).toBeGreaterThan(created.getTime() + 28 * DAY);
    const list = await admin.get<{ items: GroupBody[] }>(`environments/${world.envId}/groups`);
    expect(list.body.items.find((g) => g.id === world.groupId)?.status).toBe('deleted');

    const run = await admin.post<{ reason: string }>(runsPath(world.envId), aRun(world));
    expect([run.status, run.body.reason]).toEqual([422, 'GroupDeleted']);
    const connection = await admin.post<{ reason: string }>(`environments/${world.envId}/connections`, aConnection(world.groupId, { name: 'late' }));
    expect([connection.status, connection.body.reason]).toEqual([422, 'GroupDeleted']);
    const edit = await admin.patch<{ reason: string }>(`environments/${world.envId}/groups/${world.groupId}`, { description: 'x' });
    expect([edit.status, edit.body.reason]).toEqual([422, 'GroupDeleted']);

    const log = await admin.get<{ items: Array<{ action: string; sweep: string; detail: string }> }>(`environments/${world.envId}/maintenance`);
    expect(log.body.items).toEqual([expect.objectContaining({ sweep: 'inactiveGroups', action: 'groupDeleted' })]);
    expect(log.body.items[0]?.detail).toMatch(/28 days/);
  });

  it('never deletes a group with committed bots, however long it stayed idle', async () => {
    const env = await createEnvironment(admin, { capacity: 2 });
    const group = await createGroup(admin, env.id, await builtInImageId(admin, env.id), { maxBots: 2, committedBots: 1 });
    const { report } = await cleanupAt({ envId: env.id, groupId: group.id } as RunWorld, new TestClock(new Date(Date.now() + 365 * DAY)));
    expect(report.actions).toEqual([]);
    expect((await admin.get<GroupBody>(`environments/${env.id}/groups/${group.id}`)).body.status).toBe('active');
  });

  it('counts a run start as activity and a submission that never ran as none', async () => {
    const ran = await createRunWorld(admin);
    const start = new TestClock(new Date(Date.now() + 10 * DAY));
    const deps = sweepServices([ran.envId], start);
    const run = await submit(ran);
    const claim = await claimNextRun(deps, { environmentId: ran.envId, groupId: ran.groupId, botId: 'inactive-bot', waitMs: 500 });
    expect('run' in claim && claim.run.id).toBe(run.id);
    // while the run is in progress the group is active, whatever the clock says
    expect((await cleanupAt(ran, new TestClock(new Date(start.now().getTime() + 40 * DAY)))).report.actions).toEqual([]);
    await finishRun(deps, { environmentId: ran.envId, runId: run.id, botId: 'inactive-bot', outcome: 'Succeeded', outputs: {} });
    expect((await groupOf(ran)).lastRunStartedAt).toBe(start.now().toISOString());
    expect((await cleanupAt(ran, new TestClock(new Date(start.now().getTime() + 28 * DAY - MINUTE)))).report.actions).toEqual([]);
    expect((await cleanupAt(ran, new TestClock(new Date(start.now().getTime() + 28 * DAY + MINUTE)))).report.actions).toHaveLength(1);

    const neverRan = await createRunWorld(admin);
    const queued = await submit(neverRan);
    const { report } = await cleanupAt(neverRan, new TestClock(new Date(Date.now() + 28 * DAY + MINUTE)));
    expect(report.actions.map((a) => a.action)).toEqual(['groupDeleted']);
    expect(report.actions[0]?.detail).toMatch(/1 queued run\(s\) cancelled/);
    const after = await readRun(neverRan, queued.id);
    expect(after.body).toMatchObject({ state: 'Cancelled', error: { code: 'GroupDeleted' } });
  });

  it('an owner brings a group the cleanup deleted back, with its connection; its inactivity clock starts over', async () => {
    const world = await createRunWorld(admin);
    // its last run started 60 days ago
    const longAgo = sweepServices([world.envId], new TestClock(new Date(Date.now() - 60 * DAY)));
    const old = await submit(world);
    await claimNextRun(longAgo, { environmentId: world.envId, groupId: world.groupId, botId: 'long-gone', waitMs: 500 });
    await finishRun(longAgo, { environmentId: world.envId, runId: old.id, botId: 'long-gone', outcome: 'Succeeded', outputs: {} });
    expect((await cleanupAt(world, new TestClock())).report.actions.map((a) => a.action)).toEqual(['groupDeleted']);
    const deleted = await groupOf(world);
    const path = `environments/${world.envId}/groups/${world.groupId}/reactivate`;

    const stale = await admin.post<{ status: number }>(path, undefined, { 'if-match': '"stale"' });
    expect(stale.status).toBe(412);
    const back = await admin.post<GroupBody>(path, undefined, { 'if-match': deleted.etag });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ status: 'active', reactivatedAt: expect.any(String) });
    expect(back.body).not.toHaveProperty('deletedAt');
    expect(back.body).not.toHaveProperty('deletedReason');
    const again = await admin.post<GroupBody>(path);
    expect([again.status, again.body.etag]).toEqual([200, back.body.etag]); // an active group is answered as it is

    // the connection it had works again, and new ones are accepted
    expect((await admin.post(runsPath(world.envId), aRun(world))).status).toBe(202);
    expect((await admin.post(`environments/${world.envId}/connections`, aConnection(world.groupId, { name: 'after' }))).status).toBe(201);
    // the inactivity clock runs from the reactivation, not from the run 60 days ago
    const reactivatedAt = Date.parse(back.body.reactivatedAt ?? '');
    expect((await cleanupAt(world, new TestClock(new Date(reactivatedAt + 27 * DAY)))).report.actions).toEqual([]);
  });

  it('does not bring back a group whose delete a user asked for: a second DELETE finishes that', async () => {
    const world = await createRunWorld(admin);
    const deps = sweepServices([world.envId], new TestClock());
    const group = await deps.store.get<GroupDocument>(world.envId, world.groupId);
    if (!group) throw new Error('no group');
    await deps.store.replace<GroupDocument>({ ...group, status: 'deleted', deletedAt: new Date().toISOString(), deletedReason: 'DeletedByUser' }, group.etag);
    const refused = await admin.post<{ reason: string }>(`environments/${world.envId}/groups/${world.groupId}/reactivate`);
    expect([refused.status, refused.body.reason]).toEqual([422, 'GroupDeleted']);
  });

  it('acts once when two cleanups run at the same time', async () => {
    const world = await createRunWorld(admin);
    const clock = new TestClock(new Date(Date.now() + 29 * DAY));
    const deps = sweepServices([world.envId], clock);
    const signals = new RecordedSignals();
    const reports = await Promise.all([cleanUpInactiveGroups(deps, signals), cleanUpInactiveGroups(deps, signals), cleanUpInactiveGroups(deps, signals)]);
    expect(reports.flatMap((r) => r.actions).map((a) => a.action)).toEqual(['groupDeleted']);
    const log = await admin.get<{ items: unknown[] }>(`environments/${world.envId}/maintenance`);
    expect(log.body.items).toHaveLength(1);
  });

  it('removes a ledger reservation whose group document never came, after an hour, with what it left behind', async () => {
    const world = await createRunWorld(admin);
    const clock = new TestClock();
    const deps = sweepServices([world.envId], clock);
    const orphanId = randomUUID();
    await deps.queues.create(orphanId);
    await changeEnvironment(deps, world.envId, (env) => ({
      ...env,
      ledger: {
        ...env.ledger,
        groups: { ...env.ledger.groups, [orphanId]: { name: 'Half-created', committedBots: 0, maxBots: 5, reservedAt: clock.now().toISOString() } },
      },
    }));
    const signals = new RecordedSignals();
    expect((await cleanUpInactiveGroups(deps, signals)).actions).toEqual([]); // a create may still be writing it

    clock.advance(61 * MINUTE);
    const { actions } = await cleanUpInactiveGroups(deps, signals);
    expect(actions.map((a) => [a.action, a.groupId, a.reason])).toEqual([['reservationRemoved', orphanId, 'NoGroupDocument']]);
    const env = await deps.store.get<EnvironmentDocument>(world.envId, world.envId);
    expect(Object.keys(env?.ledger.groups ?? {})).toEqual([world.groupId]);
    await expect(deps.queues.depth(orphanId)).rejects.toThrow(QueueNotFoundError);
    // the name is free again (in room for its maxBots: the run world's capacity is 0, so that no bot starts)
    expect((await admin.patch(`environments/${world.envId}`, { capacity: 2 })).status).toBe(200);
    const reused = await admin.post(`environments/${world.envId}/groups`, aGroup(await builtInImageId(admin, world.envId), { name: 'Half-created' }));
    expect(reused.status).toBe(201);
  });
});
