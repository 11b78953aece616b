import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeFlow, LocalAccountLogon } from '../../../agent/steps/index.js';
import type { AppClients } from '../../../composition/root/clients.js';
import { claimNextRun } from '../../../app/runs/claim.js';
import { finishRun } from '../../../app/runs/finish.js';
import { clientFor, type ApiClient } from '../../support/api-client.js';
import { aDesktopFlow, GROUP_ACCOUNT } from '../../support/connection-fixtures.js';
import { createRunWorld, inProcessServices, pollUntilEnded, submit, type RunWorld } from '../../support/run-fixtures.js';

// A desktop flow with a `run` step through the API, executed by the agent's step executor (a real process), its
// outcome and logs finished through the service the agent route calls, and read back over HTTP.

let admin: ApiClient;
let deps: AppClients;

beforeAll(async () => {
  admin = await clientFor({ platformAdmin: true });
  deps = inProcessServices();
});

afterAll(async () => {
  await deps?.queues.close();
});

const flowsPath = (w: RunWorld) => `environments/${w.envId}/desktop-flows`;

describe('desktop flows with run steps', { timeout: 120_000 }, () => {
  it('stores a run step and refuses bad ones with 400 problem+json naming the field', async () => {
    const w = await createRunWorld(admin);
    const step = { run: { command: 'node', args: ['-e', 'console.log(1)'], workingDirectory: '/tmp', timeoutSeconds: 30 } };
    const created = await admin.post<{ definition: { steps: unknown[] } }>(
      flowsPath(w),
      aDesktopFlow({ definition: { steps: [step, { powershell: { script: 'Get-Date' } }] } }),
    );
    expect(created.status, created.text).toBe(201);
    expect(created.body.definition.steps).toEqual([step, { powershell: { script: 'Get-Date' } }]);

    const empty = await admin.post<{ errors: { field: string }[] }>(flowsPath(w), aDesktopFlow({ definition: { steps: [{ run: { command: '' } }] } }));
    expect(empty.status).toBe(400);
    expect(empty.headers.get('content-type')).toBe('application/problem+json');
    expect(empty.body.errors).toEqual([expect.objectContaining({ field: 'definition.steps.0.run.command' })]);

    const negative = await admin.post<{ errors: { field: string }[] }>(
      flowsPath(w),
      aDesktopFlow({ definition: { steps: [{ run: { command: 'x', timeoutSeconds: -1 } }] } }),
    );
    expect(negative.status).toBe(400);
    expect(negative.body.errors).toEqual([expect.objectContaining({ field: 'definition.steps.0.run.timeoutSeconds' })]);
  });

  it("keeps the agent's step logs on the run, and GET shows them", async () => {
    const w = await createRunWorld(admin);
    const script = 'console.error("working on", process.argv[1]); console.log(JSON.stringify({ invoice: process.argv[1] }))';
    const steps = [{ run: { command: process.execPath, args: ['-e', script, '${inputs.invoice}'] } }];
    const flow = await admin.post<{ id: string }>(flowsPath(w), aDesktopFlow({ definition: { steps } }));
    expect(flow.status, flow.text).toBe(201);
    const run = await submit(w, { desktopFlowId: flow.body.id, inputs: { invoice: 'INV-7' } });

    const claim = await claimNextRun(deps, { environmentId: w.envId, groupId: w.groupId, botId: 'bot-steps' });
    expect('run' in claim && claim.run.id).toBe(run.id);
    const outcome = await executeFlow(
      { steps },
      { inputs: run.inputs ?? {}, account: GROUP_ACCOUNT, logon: new LocalAccountLogon(GROUP_ACCOUNT), cancelled: () => false },
    );
    expect(outcome).toMatchObject({ outcome: 'Succeeded', outputs: { invoice: 'INV-7' } });
    await finishRun(deps, { environmentId: w.envId, runId: run.id, botId: 'bot-steps', outcome: 'Succeeded', outputs: outcome.outputs, logs: outcome.logs });

    const done = await pollUntilEnded(w, run.id, 10_000);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ state: 'Succeeded', outputs: { invoice: 'INV-7' } });
    const logs = (done.body as unknown as { logs: { kind: string; exitCode: number; stderr: string }[] }).logs;
    expect(logs).toEqual([expect.objectContaining({ kind: 'run', exitCode: 0, stderr: expect.stringContaining('working on INV-7') })]);
    expect(JSON.stringify(done.body)).not.toContain(GROUP_ACCOUNT.password);
  });
});
