import { beforeEach, describe, expect, it } from 'vitest';
import type { RunDocument } from '../../../../domain/run.js';
import { cancelRun, changeRunPriority, moveRunToTop } from '../../../../app/runs/control.js';
import { runPorts, seedRun, type RunPorts } from '../../../support/fakes/run-ports.js';
import { ENV, seedEnvironment, seedGroup, seedMember, userPrincipal } from '../../../support/fakes/use-case-ports.js';

const RUN_ID = 'aaaaaaaa-0000-4000-8000-000000000001';
const GROUP_ID = 'bbbbbbbb-0000-4000-8000-000000000001';
const submitter = userPrincipal('submitter');
const owner = userPrincipal('owner');
let ports: RunPorts;

const stored = async () => (await ports.runs.docs.get<RunDocument>(ENV, RUN_ID))!;

beforeEach(async () => {
  ports = runPorts();
  await seedEnvironment(ports.store);
  await seedMember(ports.store, 'submitter', ['BasicUser']);
  await seedMember(ports.store, 'owner', ['EnvironmentMaker']);
  await seedMember(ports.store, 'stranger', ['BasicUser']);
  await seedGroup(ports, GROUP_ID, 'pw', { ownerId: 'owner', shares: [{ userId: 'submitter', permission: 'User' }] });
  await seedRun(ports, RUN_ID, GROUP_ID, 'submitter');
});

describe('changeRunPriority', () => {
  it("changes a queued run's priority for its submitter", async () => {
    const run = await changeRunPriority(ports, submitter, ENV, RUN_ID, 'High', undefined);
    expect(run.priority).toBe('High');
    expect((await stored()).priority).toBe('High');
  });

  it('refuses a stale If-Match (412) before writing', async () => {
    await expect(changeRunPriority(ports, submitter, ENV, RUN_ID, 'High', '"stale"')).rejects.toMatchObject({ code: 'PreconditionFailed' });
    expect((await stored()).priority).toBe('Normal');
  });

  it('refuses a run that is not queued (422 RunNotQueued)', async () => {
    await ports.runs.docs.replace({ ...(await stored()), state: 'Running' }, (await stored()).etag);
    await expect(changeRunPriority(ports, submitter, ENV, RUN_ID, 'High', undefined)).rejects.toMatchObject({ options: { reason: 'RunNotQueued' } });
  });

  it('hides the run from a member who may not see it (404), and a missing run alike', async () => {
    await expect(changeRunPriority(ports, userPrincipal('stranger'), ENV, RUN_ID, 'High', undefined)).rejects.toMatchObject({ code: 'NotFound' });
    await expect(changeRunPriority(ports, submitter, ENV, 'aaaaaaaa-0000-4000-8000-000000000009', 'High', undefined)).rejects.toMatchObject({
      code: 'NotFound',
    });
  });
});

describe('moveRunToTop', () => {
  it("refuses the submitter alone (403): it jumps other users' runs", async () => {
    await expect(moveRunToTop(ports, submitter, ENV, RUN_ID)).rejects.toMatchObject({ code: 'Forbidden' });
  });

  it("moves the run to the top for the group's owner", async () => {
    const run = await moveRunToTop(ports, owner, ENV, RUN_ID);
    expect(run.movedToTopAt).toBe(ports.now().toISOString());
  });
});

describe('cancelRun', () => {
  it('ends a queued run Cancelled at once', async () => {
    const { run, outcome } = await cancelRun(ports, submitter, ENV, RUN_ID);
    expect(outcome).toBe('cancelled');
    expect(run.state).toBe('Cancelled');
  });

  it('asks the bot of a running run to stop (requested), and again changes nothing', async () => {
    await ports.runs.docs.replace({ ...(await stored()), state: 'Running', botId: 'bot-1' }, (await stored()).etag);
    expect((await cancelRun(ports, submitter, ENV, RUN_ID)).outcome).toBe('requested');
    const etag = (await stored()).etag;
    expect((await cancelRun(ports, submitter, ENV, RUN_ID)).run.etag).toBe(etag);
    expect((await stored()).cancelRequested).toBe(true);
  });

  it('answers 409 RunAlreadyEnded for a run that ended otherwise', async () => {
    await ports.runs.docs.replace({ ...(await stored()), state: 'Succeeded' }, (await stored()).etag);
    await expect(cancelRun(ports, submitter, ENV, RUN_ID)).rejects.toMatchObject({ code: 'Conflict', options: { reason: 'RunAlreadyEnded' } });
  });
});
