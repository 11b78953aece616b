import { beforeEach, describe, expect, it } from 'vitest';
import { claimedBy, type RunDocument } from '../../../../domain/run.js';
import { checkRunDeadline, timeOutIfDue } from '../../../../app/runs/deadlines.js';
import { runPorts, seedRun, type RunPorts } from '../../../support/fakes/run-ports.js';
import { ENV, NOW, seedEnvironment, seedGroup } from '../../../support/fakes/use-case-ports.js';

const GROUP_ID = 'bbbbbbbb-0000-4000-8000-000000000001';
const RUN_ID = 'aaaaaaaa-0000-4000-8000-000000000001';
const MINUTE = 60_000;
let ports: RunPorts;

const stored = async () => (await ports.runs.docs.get<RunDocument>(ENV, RUN_ID))!;
const target = { environmentId: ENV, runId: RUN_ID };

beforeEach(async () => {
  ports = runPorts();
  await seedEnvironment(ports.store);
  await seedGroup(ports, GROUP_ID, 'pw');
  // 60-minute timeout, queued at NOW
  await seedRun(ports, RUN_ID, GROUP_ID, 'u');
});

describe('timeOutIfDue', () => {
  it('says when the next deadline falls while none has passed', async () => {
    const { changed, wakeAt } = await timeOutIfDue(ports, await stored());
    expect(changed).toBe(false);
    expect(wakeAt).toBe(new Date(Date.parse(NOW) + 60 * MINUTE).toISOString());
  });

  it('times a run queued past QUEUED_RUN_TIMEOUT_MINUTES out (NoCandidateMachine)', async () => {
    ports.clock.advance((ports.config.QUEUED_RUN_TIMEOUT_MINUTES + 1) * MINUTE);
    const { changed, code } = await timeOutIfDue(ports, await stored());
    expect({ changed, code }).toEqual({ changed: true, code: 'NoCandidateMachine' });
    expect((await stored()).state).toBe('TimedOut');
  });

  it('times a run running past its timeoutMinutes out (RunTimeout)', async () => {
    const run = await stored();
    await ports.runs.docs.replace(claimedBy(run, 'bot-1', ports.now()), run.etag);
    ports.clock.advance(61 * MINUTE);
    expect((await timeOutIfDue(ports, await stored())).code).toBe('RunTimeout');
    expect((await stored()).state).toBe('TimedOut');
  });
});

describe('checkRunDeadline', () => {
  it('stops at a missing run, and at an ended one', async () => {
    expect(await checkRunDeadline(ports, { environmentId: ENV, runId: 'gone' })).toEqual({ done: 'Missing' });
    ports.clock.advance((ports.config.QUEUED_RUN_TIMEOUT_MINUTES + 1) * MINUTE);
    expect(await checkRunDeadline(ports, target)).toEqual({ done: 'TimedOut' });
  });

  it('cancels a queued run whose group a user deleted', async () => {
    const group = (await ports.store.get(ENV, GROUP_ID))!;
    await ports.store.delete(ENV, GROUP_ID, group.etag);
    expect(await checkRunDeadline(ports, target)).toEqual({ done: 'Cancelled' });
    expect((await stored()).state).toBe('Cancelled');
  });

  it('sleeps until the next deadline otherwise', async () => {
    expect(await checkRunDeadline(ports, target)).toEqual({ wakeAt: new Date(Date.parse(NOW) + 60 * MINUTE).toISOString() });
  });
});
