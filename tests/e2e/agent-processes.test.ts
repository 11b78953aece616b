import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppClients } from '../../composition/root/clients.js';
import { clientFor, type ApiClient } from '../support/api-client.js';
import { agentOutputs, startAgentProcess, stopAgentProcesses } from '../support/agent-processes.js';
import { GROUP_ACCOUNT } from '../support/connection-fixtures.js';
import { aBotRecord } from '../support/maintenance-fixtures.js';
import { createEnvironment } from '../support/fixtures.js';
import { builtInImageId, createGroup } from '../support/connection-fixtures.js';
import { alterGroupDocument } from '../support/group-fixtures.js';
import { connectAndRegisterFlow, inProcessServices, pollUntilEnded, readRun, runPath, type RunBody, type RunWorld } from '../support/run-fixtures.js';
import { until } from './e2e-world.js';

/**
 * Bot agents as OS processes (agent/main.ts) against the shared local cloud: each waits on its group's queue with its
 * Listen token, claims over HTTP, runs real processes (`node -e`) and reports. The environment has no capacity: the bots
 * are records made here, so the agents started here are the only consumers.
 */
const NODE = process.execPath;
let deps: AppClients;
let admin: ApiClient;
let world: RunWorld;

/**
 * A group served only by `bots` agent processes of this test: created with no committed bot (the controller starts
 * none), then the bot records, then committedBots = bots behind the API, so the planner neither starts nor releases.
 */
async function anAgentWorld(bots: number, machineAccount: { username: string; password: string }): Promise<RunWorld> {
  const envId = (await createEnvironment(admin, { capacity: bots })).id;
  const group = await createGroup(admin, envId, await builtInImageId(admin, envId), { maxBots: bots, committedBots: 0 });
  for (let i = 0; i < bots; i++) await startAgentProcess(deps, await aBotRecord(deps, envId, group.id, 'Ready'), machineAccount);
  await alterGroupDocument(envId, group.id, (doc) => ({ ...doc, committedBots: bots }));
  return { client: admin, envId, groupId: group.id, ...(await connectAndRegisterFlow(admin, envId, group.id)) };
}

async function aFlow(w: RunWorld, name: string, steps: unknown[]): Promise<string> {
  const res = await admin.post<{ id: string }>(`environments/${w.envId}/desktop-flows`, { name, definition: { steps } });
  if (res.status !== 201) throw new Error(`flow: ${res.status} ${res.text}`);
  return res.body.id;
}

async function submitFlow(w: RunWorld, flowId: string, inputs: Record<string, unknown> = {}): Promise<string> {
  const res = await admin.post<RunBody>(`environments/${w.envId}/runs`, { connectionId: w.connectionId, desktopFlowId: flowId, inputs, priority: 'Normal' });
  if (res.status !== 202) throw new Error(`submit: ${res.status} ${res.text}`);
  return res.body.id;
}

async function ended(w: RunWorld, runId: string): Promise<RunBody> {
  return (await pollUntilEnded(w, runId, 90_000, 250)).body;
}

beforeAll(async () => {
  deps = inProcessServices();
  admin = await clientFor({ platformAdmin: true });
  world = await anAgentWorld(2, GROUP_ACCOUNT);
}, 60_000);

afterAll(async () => {
  if (process.env.AGENT_DEBUG) console.log(agentOutputs());
  await stopAgentProcesses();
  await deps?.queues.close();
});

describe('bot agents as processes', { timeout: 120_000 }, () => {
  it("runs a process step as the run's account and keeps its stdout JSON as outputs", async () => {
    const flowId = await aFlow(world, 'Greets', [
      { run: { command: NODE, args: ['-e', 'console.log(JSON.stringify({ greeting: "hello " + process.argv[1] }))', '${inputs.name}'] } },
    ]);
    const run = await ended(world, await submitFlow(world, flowId, { name: 'bots' }));
    expect(run).toMatchObject({ state: 'Succeeded', outputs: { greeting: 'hello bots' } });
  });

  it('fails a run whose process exits with a code other than 0, and one whose step outlives its timeout', async () => {
    const exits = await aFlow(world, 'Exits 3', [{ run: { command: NODE, args: ['-e', 'process.exit(3)'] } }]);
    const hangs = await aFlow(world, 'Hangs', [{ run: { command: NODE, args: ['-e', 'setInterval(() => {}, 1000)'], timeoutSeconds: 1 } }]);
    const [failed, timedOut] = await Promise.all([submitFlow(world, exits), submitFlow(world, hangs)].map(async (id) => ended(world, await id)));
    expect(failed).toMatchObject({ state: 'Failed', error: { code: 'StepFailed' } });
    expect(timedOut).toMatchObject({ state: 'Failed', error: { code: 'StepTimedOut' } });
  });

  it('stops a running step within 2 s of the cancel’s answer: the run ends Cancelled', async () => {
    const flowId = await aFlow(world, 'Long', [
      { run: { command: NODE, args: ['-e', 'setInterval(() => {}, 1000)'], timeoutSeconds: 600 } },
      { output: { name: 'never', value: 'x' } },
    ]);
    // before the agent's first busy heartbeat (1 s after its claim), during a held one, and during the next one
    for (const runningForMs of [0, 2_500, 6_000]) {
      const runId = await submitFlow(world, flowId);
      await until('the run to be running', async () => ((await readRun(world, runId)).body.state === 'Running' ? true : undefined), 60_000, 50);
      await new Promise((r) => setTimeout(r, runningForMs));
      const cancel = await admin.post(`${runPath(world.envId, runId)}/cancel`);
      const answeredAt = Date.now();
      expect([200, 202]).toContain(cancel.status);
      const run = (await pollUntilEnded(world, runId, 10_000, 50)).body;
      expect(run.state).toBe('Cancelled');
      expect(run.outputs ?? {}).not.toHaveProperty('never');
      // endedAt is written by the agent's finish, after its step was killed (one machine, one clock)
      expect(Date.parse(run.endedAt ?? ''), `cancelled ${runningForMs} ms into the run`).toBeLessThanOrEqual(answeredAt + 2_000);
    }
  });

  it("fails a run with InvalidCredentials when the connection's account does not log on at the machine", async () => {
    const stale = await anAgentWorld(1, { username: GROUP_ACCOUNT.username, password: 'the-machine-has-another-password' });
    const flowId = await aFlow(stale, 'Runs as the account', [{ run: { command: NODE, args: ['-e', 'console.log("{}")'] } }]);
    const run = await ended(stale, await submitFlow(stale, flowId));
    expect(run).toMatchObject({ state: 'Failed', error: { code: 'InvalidCredentials' } });
  });
});
