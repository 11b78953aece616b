import { beforeEach, describe, expect, it } from 'vitest';
import type { IdempotencyRecord } from '../../../../app/runs/run-store.js';
import { findGroupOf, findRun, loadRun } from '../../../../app/runs/load-run.js';
import { runPorts, seedRun, type RunPorts } from '../../../support/fakes/run-ports.js';
import { ENV, NOW, seedEnvironment, seedGroup, seedMember, userPrincipal } from '../../../support/fakes/use-case-ports.js';

const GROUP_ID = 'bbbbbbbb-0000-4000-8000-000000000001';
const RUN_ID = 'aaaaaaaa-0000-4000-8000-000000000001';
let ports: RunPorts;

beforeEach(async () => {
  ports = runPorts();
  await seedEnvironment(ports.store);
  // the group is owned by `owner`; `user` may use it, `coowner` manage it
  await seedGroup(ports, GROUP_ID, 'pw', {
    shares: [
      { userId: 'user', permission: 'User' },
      { userId: 'coowner', permission: 'CoOwner' },
    ],
  });
  await seedMember(ports.store, 'owner', ['EnvironmentMaker']);
  await seedMember(ports.store, 'coowner', ['BasicUser']);
  await seedMember(ports.store, 'user', ['BasicUser']);
  await seedMember(ports.store, 'submitter', ['BasicUser']);
  await seedMember(ports.store, 'stranger', ['BasicUser']);
  await seedMember(ports.store, 'admin', ['SystemAdministrator']);
  await seedMember(ports.store, 'gone', ['BasicUser'], { active: false });
  await seedRun(ports, RUN_ID, GROUP_ID, 'submitter');
});

const load = (userId: string, needed: 'read' | 'control') => loadRun(ports, userPrincipal(userId), ENV, RUN_ID, needed);

describe('findRun and findGroupOf', () => {
  it('answer only documents of their type: another document under the id is no run, and no group', async () => {
    await ports.runs.docs.create<IdempotencyRecord>({
      id: 'idem:1',
      environmentId: ENV,
      type: 'idempotency',
      runId: RUN_ID,
      bodyHash: 'h',
      callerId: 'u',
      expiresAt: NOW,
      ttl: 1,
      createdAt: NOW,
      updatedAt: NOW,
    });
    expect(await findRun(ports, ENV, 'idem:1')).toBeUndefined();
    expect(await findRun(ports, ENV, 'missing')).toBeUndefined();
    expect((await findRun(ports, ENV, RUN_ID))?.groupId).toBe(GROUP_ID);
    // the environment's own document lives in the control container too
    expect(await findGroupOf(ports, ENV, ENV)).toBeUndefined();
    expect((await findGroupOf(ports, ENV, GROUP_ID))?.ownerId).toBe('owner');
  });
});

describe('loadRun', () => {
  it('answers the run with its environment, the caller as a member and the group', async () => {
    const context = await load('user', 'read');
    expect(context.run.id).toBe(RUN_ID);
    expect(context.env.id).toBe(ENV);
    expect(context.member).toEqual({ userId: 'user', roles: ['BasicUser'], active: true });
    expect(context.group?.id).toBe(GROUP_ID);
  });

  it('answers 404 Environment to a caller who is not an active member', async () => {
    await expect(load('outsider', 'read')).rejects.toMatchObject({ code: 'NotFound', detail: 'Environment was not found.' });
    await expect(load('gone', 'read')).rejects.toMatchObject({ code: 'NotFound', detail: 'Environment was not found.' });
  });

  it('answers 404 Run for a missing run, and the same for a run the caller may not see', async () => {
    await expect(loadRun(ports, userPrincipal('user'), ENV, 'missing', 'read')).rejects.toMatchObject({ code: 'NotFound', detail: 'Run was not found.' });
    await expect(load('stranger', 'read')).rejects.toMatchObject({ code: 'NotFound', detail: 'Run was not found.' });
  });

  it("lets its submitter, the group's owner and CoOwners and SystemAdministrators control it", async () => {
    for (const userId of ['submitter', 'owner', 'coowner', 'admin']) {
      expect((await load(userId, 'control')).run.id, userId).toBe(RUN_ID);
    }
  });

  it('refuses control to a member who may only use the group (403), though they may read the run', async () => {
    expect((await load('user', 'read')).run.id).toBe(RUN_ID);
    await expect(load('user', 'control')).rejects.toMatchObject({ code: 'Forbidden' });
  });

  it('keeps a run of a deleted group readable and controllable by its submitter only (and admins)', async () => {
    const group = (await ports.store.get(ENV, GROUP_ID))!;
    await ports.store.delete(ENV, GROUP_ID, group.etag);
    const context = await load('submitter', 'control');
    expect(context.group).toBeUndefined();
    expect((await load('admin', 'control')).run.id).toBe(RUN_ID);
    await expect(load('owner', 'read')).rejects.toMatchObject({ code: 'NotFound' });
    await expect(load('user', 'read')).rejects.toMatchObject({ code: 'NotFound' });
  });
});
