import { beforeEach, describe, expect, it } from 'vitest';
import type { EnvironmentDocument } from '../../../../domain/environment.js';
import type { FlowDefinition } from '../../../../domain/desktop-flow.js';
import type { RunDocument } from '../../../../domain/run.js';
import { createConnection } from '../../../../app/connections/connections.js';
import { createDesktopFlow } from '../../../../app/desktop-flows/desktop-flows.js';
import { resubmitRun, submitRun, type SubmitRunInput } from '../../../../app/runs/submit.js';
import { runPorts, type RunPorts } from '../../../support/fakes/run-ports.js';
import { ENV, seedEnvironment, seedGroup, seedMember, userPrincipal } from '../../../support/fakes/use-case-ports.js';

const GROUP_ID = '55555555-5555-4555-8555-000000000001';
const PASSWORD = 'Val1d-Passw0rd!';
const DEFINITION: FlowDefinition = { steps: [{ output: { name: 'v', value: '1' } }] };
const user = userPrincipal('user');
let ports: RunPorts;
let input: SubmitRunInput;

beforeEach(async () => {
  ports = runPorts();
  await seedEnvironment(ports.store);
  await seedMember(ports.store, 'maker', ['EnvironmentMaker']);
  await seedMember(ports.store, 'user', ['BasicUser'], { name: 'Uma User' });
  await seedGroup(ports, GROUP_ID, PASSWORD, { shares: [{ userId: 'user', permission: 'User' }] });
  const { connection } = await createConnection(ports, user, ENV, { name: 'Runner', groupId: GROUP_ID, username: 'rpa-runner', password: PASSWORD });
  const flow = await createDesktopFlow(ports, userPrincipal('maker'), ENV, { name: 'Invoices', definition: DEFINITION });
  input = { connectionId: connection.id.toUpperCase(), desktopFlowId: flow.id, inputs: { a: 1 }, priority: 'Normal', timeoutMinutes: 30 };
});

describe('submitRun', () => {
  it("queues a run on the connection's group with the flow's current version and the submitter's member name", async () => {
    const { run, replayed, definition, roundNeeded } = await submitRun(ports, user, ENV, input, {});
    expect(run).toMatchObject({ state: 'Queued', groupId: GROUP_ID, connectionId: input.connectionId.toLowerCase(), desktopFlowVersion: 1 });
    expect(run.submittedByName).toBe('Uma User');
    expect({ replayed, definition, roundNeeded }).toEqual({ replayed: false, definition: DEFINITION, roundNeeded: true });
    expect(await ports.runs.docs.get<RunDocument>(ENV, run.id)).toMatchObject({ id: run.id });
  });

  it('answers the first run to the same Idempotency-Key and body, and 422 IdempotencyKeyReused to another body', async () => {
    const first = await submitRun(ports, user, ENV, input, { idempotencyKey: 'k-1' });
    const again = await submitRun(ports, user, ENV, input, { idempotencyKey: 'k-1' });
    expect(again).toMatchObject({ replayed: true, run: { id: first.run.id } });
    await expect(submitRun(ports, user, ENV, { ...input, priority: 'High' }, { idempotencyKey: 'k-1' })).rejects.toMatchObject({
      options: { reason: 'IdempotencyKeyReused' },
    });
    expect(ports.runs.docs.ofType(ENV, 'run')).toHaveLength(1);
  });

  it('refuses a run when the group holds MAX_QUEUED_RUNS_PER_GROUP queued runs (429 QueueFull)', async () => {
    ports.config = { ...ports.config, MAX_QUEUED_RUNS_PER_GROUP: 1 };
    await submitRun(ports, user, ENV, input, {});
    await expect(submitRun(ports, user, ENV, input, {})).rejects.toMatchObject({ code: 'QueueFull', options: { retryAfterSeconds: 60 } });
  });

  it('refuses every run while hostedRpaEnabled is off (422 HostedRpaDisabled)', async () => {
    const env = (await ports.store.get<EnvironmentDocument>(ENV, ENV))!;
    await ports.store.replace({ ...env, hostedRpaEnabled: false }, env.etag);
    await expect(submitRun(ports, user, ENV, input, {})).rejects.toMatchObject({ options: { reason: 'HostedRpaDisabled' } });
  });
});

describe('resubmitRun', () => {
  it('submits a new run with the same connection, flow version, inputs, priority and timeout', async () => {
    const { run: first } = await submitRun(ports, user, ENV, { ...input, priority: 'High' }, {});
    const { run } = await resubmitRun(ports, user, ENV, first.id, {});
    expect(run.id).not.toBe(first.id);
    expect(run).toMatchObject({
      connectionId: first.connectionId,
      desktopFlowVersion: first.desktopFlowVersion,
      definitionHash: first.definitionHash,
      inputs: { a: 1 },
      priority: 'High',
      timeoutMinutes: 30,
    });
  });
});
