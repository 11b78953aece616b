import { beforeEach, describe, expect, it } from 'vitest';
import { getRun } from '../../../../app/runs/read.js';
import { runPorts, seedRun, type RunPorts } from '../../../support/fakes/run-ports.js';
import { ENV, seedEnvironment, seedGroup, seedMember, userPrincipal } from '../../../support/fakes/use-case-ports.js';

const RUN_ID = 'aaaaaaaa-0000-4000-8000-000000000001';
const GROUP_ID = 'bbbbbbbb-0000-4000-8000-000000000001';
let ports: RunPorts;

beforeEach(async () => {
  ports = runPorts();
  await seedEnvironment(ports.store);
  await seedMember(ports.store, 'submitter', ['BasicUser']);
  await seedMember(ports.store, 'user', ['BasicUser']);
  await seedMember(ports.store, 'stranger', ['BasicUser']);
  await seedMember(ports.store, 'admin', ['SystemAdministrator']);
  await seedGroup(ports, GROUP_ID, 'pw', { ownerId: 'owner', shares: [{ userId: 'user', permission: 'User' }] });
  await seedRun(ports, RUN_ID, GROUP_ID, 'submitter');
});

describe('getRun', () => {
  it('answers the run to its submitter, a user of its group and a SystemAdministrator', async () => {
    for (const caller of ['submitter', 'user', 'admin']) expect((await getRun(ports, userPrincipal(caller), ENV, RUN_ID)).id).toBe(RUN_ID);
  });

  it('answers 404 Run to a member who may not see it, as for a missing run', async () => {
    await expect(getRun(ports, userPrincipal('stranger'), ENV, RUN_ID)).rejects.toMatchObject({ code: 'NotFound', detail: 'Run was not found.' });
    await expect(getRun(ports, userPrincipal('admin'), ENV, 'aaaaaaaa-0000-4000-8000-000000000009')).rejects.toMatchObject({
      detail: 'Run was not found.',
    });
  });

  it('answers 404 Environment to a caller who is not a member, whatever the run', async () => {
    await expect(getRun(ports, userPrincipal('outsider'), ENV, RUN_ID)).rejects.toMatchObject({ detail: 'Environment was not found.' });
  });

  it('still shows the run to its submitter once the group is deleted', async () => {
    await ports.store.delete(ENV, GROUP_ID);
    expect((await getRun(ports, userPrincipal('submitter'), ENV, RUN_ID)).id).toBe(RUN_ID);
    await expect(getRun(ports, userPrincipal('user'), ENV, RUN_ID)).rejects.toMatchObject({ code: 'NotFound' });
  });
});
