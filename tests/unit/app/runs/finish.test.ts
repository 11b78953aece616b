import { beforeEach, describe, expect, it } from 'vitest';
import { claimedBy, type RunDocument } from '../../../../domain/run.js';
import { finishRun } from '../../../../app/runs/finish.js';
import { runPorts, seedRun, type RunPorts } from '../../../support/fakes/run-ports.js';
import { ENV } from '../../../support/fakes/use-case-ports.js';

const GROUP_ID = 'bbbbbbbb-0000-4000-8000-000000000001';
const RUN_ID = 'aaaaaaaa-0000-4000-8000-000000000001';
let ports: RunPorts;

const stored = async () => (await ports.runs.docs.get<RunDocument>(ENV, RUN_ID))!;
const finish = (botId: string, outcome: 'Succeeded' | 'Failed' | 'Cancelled' = 'Succeeded') =>
  finishRun(ports, { environmentId: ENV, runId: RUN_ID, botId, outcome, outputs: { invoice: '42' } });

beforeEach(async () => {
  ports = runPorts();
  const run = await seedRun(ports, RUN_ID, GROUP_ID, 'u');
  await ports.runs.docs.replace(claimedBy(run, 'bot-1', ports.now()), run.etag);
});

describe('finishRun', () => {
  it("ends the bot's running run with its outcome and outputs", async () => {
    const { run, changed } = await finish('bot-1');
    expect(changed).toBe(true);
    expect(run).toMatchObject({ state: 'Succeeded', outputs: { invoice: '42' } });
    expect((await stored()).state).toBe('Succeeded');
  });

  it('answers a repeated finish with the run as it ended, unchanged', async () => {
    await finish('bot-1');
    const again = await finish('bot-1', 'Failed');
    expect(again).toMatchObject({ changed: false, run: { state: 'Succeeded' } });
  });

  it('ends a run whose cancel was accepted Cancelled, whatever the bot reports', async () => {
    const run = await stored();
    await ports.runs.docs.replace({ ...run, cancelRequested: true }, run.etag);
    expect((await finish('bot-1')).run).toMatchObject({ state: 'Cancelled', error: { code: 'Cancelled' } });
  });

  it('refuses another bot (403), a queued run (422 RunNotRunning) and a missing run (404)', async () => {
    await expect(finish('bot-2')).rejects.toMatchObject({ code: 'Forbidden' });
    const run = await stored();
    await ports.runs.docs.replace({ ...run, state: 'Queued' }, run.etag);
    await expect(finish('bot-2')).rejects.toMatchObject({ options: { reason: 'RunNotRunning' } });
    await ports.runs.docs.delete(ENV, RUN_ID);
    await expect(finish('bot-1')).rejects.toMatchObject({ code: 'NotFound' });
  });
});
