import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/stack/local-cloud.js';
import type { ApiClient } from '../support/api-client.js';
import { aGroupWithFlow, allEnded, anEnvironment, botsOf, runsOf, startE2eCloud, submitRuns, until, type E2eGroup } from './e2e-world.js';

/**
 * Dispatch by the agents (docs/agent.md): each simulated bot runs the agent as its own OS process, which takes runs from
 * its group's queue; the bot lifecycles only provision and tear down, and the controller's round finds lost busy bots
 * and wake-ups that were consumed while dispatch was paused.
 */
let cloud: LocalCloud;
let admin: ApiClient;
let logs: string[];

beforeAll(async () => {
  ({ cloud, admin, logs } = await startE2eCloud({
    LOCAL_PROVISION_DELAY_MS: '300',
    BOT_IDLE_TIMEOUT_SECONDS: '600',
    CONTROLLER_INTERVAL_SECONDS: '2',
    BOT_HEARTBEAT_TIMEOUT_SECONDS: '6',
  }));
}, 90_000);

afterAll(async () => {
  await cloud?.stop();
});

/** The pid of the agent process of a simulated bot (started by this cloud's host: its config is in the bot's folder). */
function agentPid(botId: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (cmdline.some((arg) => arg.endsWith('agent.mjs')) && cmdline.some((arg) => arg.endsWith(`${botId}/agent.json`))) return Number(entry);
    } catch {
      // the process ended while we looked
    }
  }
  return undefined;
}

async function groupEtag(envId: string, groupId: string): Promise<string> {
  return String((await admin.get(`environments/${envId}/groups/${groupId}`)).body.etag);
}

/** A group whose `committed` bots are up (Ready) before the test goes on. */
async function aWarmGroup(name: string, bots: number, steps: unknown[]): Promise<E2eGroup> {
  const envId = await anEnvironment(admin, bots);
  const g = await aGroupWithFlow(admin, envId, name, bots, steps);
  const committed = await admin.patch(`environments/${envId}/groups/${g.groupId}`, { committedBots: bots }, { 'if-match': await groupEtag(envId, g.groupId) });
  expect(committed.status).toBe(200);
  await until(`${bots} ready bots`, async () => ((await botsOf(admin, g)).filter((b) => b.state === 'Ready').length >= bots ? true : undefined), 60_000);
  return g;
}

const QUICK = [{ output: { name: 'done', value: 'yes' } }];

describe('dispatch by agent processes', () => {
  it('a run is taken by its bot’s agent process, not by the bot’s lifecycle', async () => {
    const g = await aWarmGroup('Agent dispatch', 1, QUICK);
    const [runId] = await submitRuns(admin, g, 1);
    const [run] = await allEnded(admin, g.envId, [runId ?? ''], 30_000);
    expect(run).toMatchObject({ state: 'Succeeded', attempt: 1 });
    const botId = run?.botId ?? '';
    expect(agentPid(botId)).toBeGreaterThan(0);
    expect(logs.some((line) => line.includes(`[agent ${botId} out]`) && line.includes(`agent: run ${runId} started`))).toBe(true);
  }, 120_000);

  it('an agent process killed mid-run (SIGKILL) is found lost by the controller: its run is requeued and ends on another bot', async () => {
    const g = await aWarmGroup('Agent lost', 2, [{ wait: { ms: 3_000 } }, { output: { name: 'done', value: 'yes' } }]);
    const [runId] = await submitRuns(admin, g, 1);
    const running = await until('the run to start', async () => (await runsOf(admin, g.envId, [runId ?? ''])).find((r) => r.state === 'Running'), 30_000);
    const lostBot = running.botId ?? '';
    const pid = agentPid(lostBot);
    expect(pid).toBeGreaterThan(0);
    process.kill(pid ?? 0, 'SIGKILL');
    const [ended] = await allEnded(admin, g.envId, [runId ?? ''], 60_000);
    expect(ended).toMatchObject({ state: 'Succeeded', attempt: 2, outputs: { done: 'yes' } });
    expect(ended?.botId).not.toBe(lostBot);
    await until(
      'the lost bot to be torn down',
      async () => ((await botsOf(admin, g)).find((b) => b.id === lostBot)?.state === 'Deleted' ? true : undefined),
      60_000,
    );
  }, 180_000);

  it('a run whose wake-up an agent consumed during maintenance (a claim answering none) starts when maintenance ends', async () => {
    const g = await aWarmGroup('Agent paused', 1, QUICK);
    const on = await admin.patch(`environments/${g.envId}/groups/${g.groupId}`, { maintenance: true }, { 'if-match': await groupEtag(g.envId, g.groupId) });
    expect(on.status).toBe(200);
    const [runId] = await submitRuns(admin, g, 1);
    await until(
      'the wake-up to be consumed by a claim refused for maintenance',
      async () => (logs.some((line) => line.includes('agent.claimNone') && line.includes(`reason=GroupInMaintenance`)) ? true : undefined),
      30_000,
    );
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await runsOf(admin, g.envId, [runId ?? '']))[0]?.state).toBe('Queued');
    const off = await admin.patch(`environments/${g.envId}/groups/${g.groupId}`, { maintenance: false }, { 'if-match': await groupEtag(g.envId, g.groupId) });
    expect(off.status).toBe(200);
    const [run] = await allEnded(admin, g.envId, [runId ?? ''], 30_000);
    expect(run?.state).toBe('Succeeded');
  }, 120_000);

  it('a bot released while it runs (its group deleted) is torn down only once its run has ended', async () => {
    const g = await aWarmGroup('Agent released', 1, [{ wait: { ms: 5_000 } }, { output: { name: 'done', value: 'yes' } }]);
    const [runId] = await submitRuns(admin, g, 1);
    const running = await until('the run to start', async () => (await runsOf(admin, g.envId, [runId ?? ''])).find((r) => r.state === 'Running'), 30_000);
    const botId = running.botId ?? '';
    const deleted = await admin.delete(`environments/${g.envId}/groups/${g.groupId}`, { 'if-match': await groupEtag(g.envId, g.groupId) });
    expect(deleted.status).toBe(204);
    // the release reaches the lifecycle well before the run ends: the agent must still be there to finish it
    await new Promise((r) => setTimeout(r, 3_000));
    expect(agentPid(botId)).toBeGreaterThan(0);
    const [ended] = await allEnded(admin, g.envId, [runId ?? ''], 30_000);
    expect(ended).toMatchObject({ state: 'Succeeded', attempt: 1, botId, outputs: { done: 'yes' } });
    await until('the released bot’s agent to be stopped', async () => (agentPid(botId) === undefined ? true : undefined), 60_000);
  }, 120_000);
});
