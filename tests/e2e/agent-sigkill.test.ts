import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppClients } from '../../composition/root/clients.js';
import type { BotDocument } from '../../domain/bot.js';
import type { RunDocument } from '../../domain/run.js';
import { everyAcceptedRunEnded, noRunOnTwoBots } from '../faults/invariants.js';
import { clientFor, localCloud, type ApiClient } from '../support/api-client.js';
import { startAgentProcess, stopAgentProcesses, type AgentProcess } from '../support/agent-processes.js';
import { builtInImageId, createGroup, GROUP_ACCOUNT } from '../support/connection-fixtures.js';
import { createEnvironment } from '../support/fixtures.js';
import { alterGroupDocument } from '../support/group-fixtures.js';
import { aBotRecord } from '../support/maintenance-fixtures.js';
import { connectAndRegisterFlow, inProcessServices, pollUntilEnded, readRun, type RunBody, type RunWorld } from '../support/run-fixtures.js';
import { until } from './e2e-world.js';

/**
 * Agent processes SIGKILLed mid-run, then started again for the same bots (a VM whose agent service restarts): each
 * restarted agent's first claim gives it back the run its bot holds, so every run ends, and no run runs on two bots.
 * (The loss of a whole bot, whose run is requeued by the heartbeat check, is the bot lifecycle's, tests/faults.)
 */
let deps: AppClients;
let admin: ApiClient;

beforeAll(async () => {
  deps = inProcessServices();
  admin = await clientFor({ platformAdmin: true });
}, 30_000);

afterAll(async () => {
  await stopAgentProcesses();
  await deps?.queues.close();
});

describe('agent processes killed mid-run', { timeout: 240_000 }, () => {
  it('ends every run, none on two bots', async () => {
    const envId = (await createEnvironment(admin, { capacity: 2 })).id;
    const group = await createGroup(admin, envId, await builtInImageId(admin, envId), { maxBots: 2, committedBots: 0 });
    const bots: BotDocument[] = [await aBotRecord(deps, envId, group.id, 'Ready'), await aBotRecord(deps, envId, group.id, 'Ready')];
    let agents: AgentProcess[] = await Promise.all(bots.map((bot) => startAgentProcess(deps, bot, GROUP_ACCOUNT)));
    await alterGroupDocument(envId, group.id, (doc) => ({ ...doc, committedBots: 2 }));
    const world: RunWorld = { client: admin, envId, groupId: group.id, ...(await connectAndRegisterFlow(admin, envId, group.id)) };
    const flow = await admin.post<{ id: string }>(`environments/${envId}/desktop-flows`, {
      name: 'Takes a while',
      definition: { steps: [{ run: { command: process.execPath, args: ['-e', 'setTimeout(() => console.log(JSON.stringify({ done: "yes" })), 1500)'] } }] },
    });
    const accepted: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await admin.post<RunBody>(`environments/${envId}/runs`, {
        connectionId: world.connectionId,
        desktopFlowId: flow.body.id,
        inputs: { i },
        priority: 'Normal',
      });
      expect(res.status).toBe(202);
      accepted.push(res.body.id);
    }

    for (let round = 0; round < 2; round++) {
      await until(
        'a run to be running',
        async () => {
          for (const id of accepted) if ((await readRun(world, id)).body.state === 'Running') return true;
          return undefined;
        },
        60_000,
      );
      for (const agent of agents) agent.child.kill('SIGKILL');
      await Promise.all(agents.map((a) => a.exited));
      agents = await Promise.all(bots.map((bot) => startAgentProcess(deps, bot, GROUP_ACCOUNT)));
    }

    for (const id of accepted) await pollUntilEnded(world, id, 120_000, 250);
    const runs = (await Promise.all(accepted.map((id) => deps.runs.docs.get<RunDocument>(envId, id)))).filter(
      (r): r is NonNullable<typeof r> => r !== undefined,
    );
    const logs = readFileSync(localCloud().logFile, 'utf8')
      .split('\n')
      .filter((l) => l.includes(envId) || accepted.some((id) => l.includes(id)));
    const verdicts = [everyAcceptedRunEnded(accepted, runs), noRunOnTwoBots(logs, runs)];
    for (const verdict of verdicts) expect(verdict.violations, verdict.invariant).toEqual([]);
    // the claims were seen in the host's log (run.claimed lines of agent/claim), so the second verdict checked them
    expect(verdicts[1]?.checked).toBe(accepted.length);
    expect(runs.map((r) => r.state)).toEqual(accepted.map(() => 'Succeeded'));
  });
});
