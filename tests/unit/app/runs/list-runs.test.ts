import { beforeEach, describe, expect, it } from 'vitest';
import { listRuns } from '../../../../app/runs/list-runs.js';
import { runPorts, seedRun, type RunPorts } from '../../../support/fakes/run-ports.js';
import { ENV, seedEnvironment, seedGroup, seedMember, userPrincipal } from '../../../support/fakes/use-case-ports.js';

const USED = 'bbbbbbbb-0000-4000-8000-000000000001';
const OTHER = 'bbbbbbbb-0000-4000-8000-000000000002';
const PAGE = { pageSize: 50 };
let ports: RunPorts;

beforeEach(async () => {
  ports = runPorts();
  await seedEnvironment(ports.store);
  await seedMember(ports.store, 'user', ['BasicUser']);
  await seedMember(ports.store, 'admin', ['SystemAdministrator']);
  await seedGroup(ports, USED, 'pw', { shares: [{ userId: 'user', permission: 'User' }] });
  await seedGroup(ports, OTHER, 'pw');
  await seedRun(ports, 'run-in-used-group', USED, 'someone');
  await seedRun(ports, 'run-of-user-elsewhere', OTHER, 'user');
  await seedRun(ports, 'run-hidden', OTHER, 'someone');
});

describe('listRuns', () => {
  it('shows a member the runs of groups it may use and the runs it submitted, in one query', async () => {
    const page = await listRuns(ports, userPrincipal('user'), ENV, {}, PAGE);
    expect(page.items.map((r) => r.id).sort()).toEqual(['run-in-used-group', 'run-of-user-elsewhere']);
    expect(ports.runs.searches).toEqual([{ visibleTo: { groupIds: [USED], userId: 'user' } }]);
  });

  it('shows a SystemAdministrator every run, with no visibility filter', async () => {
    expect((await listRuns(ports, userPrincipal('admin'), ENV, {}, PAGE)).items).toHaveLength(3);
    expect(ports.runs.searches[0]?.visibleTo).toBeUndefined();
  });

  it('refuses a continuation token of other filters (400 InvalidContinuationToken)', async () => {
    await expect(listRuns(ports, userPrincipal('admin'), ENV, { state: 'Queued' }, { pageSize: 50, continuationToken: 'x:y' })).rejects.toMatchObject({
      status: 400,
    });
  });
});
