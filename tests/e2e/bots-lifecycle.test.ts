import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/stack/local-cloud.js';
import type { ApiClient } from '../support/api-client.js';
import { aGroupWithFlow, allEnded, anEnvironment, botsOf, runsOf, startE2eCloud, submitRuns, until } from './e2e-world.js';

/** Maintenance, image changes and lost bots, on a local cloud of this file's own. */
let cloud: LocalCloud;
let admin: ApiClient;

beforeAll(async () => {
  ({ cloud, admin } = await startE2eCloud({
    LOCAL_PROVISION_DELAY_MS: '300',
    BOT_IDLE_TIMEOUT_SECONDS: '30',
    CONTROLLER_INTERVAL_SECONDS: '2',
    BOT_HEARTBEAT_TIMEOUT_SECONDS: '6',
  }));
}, 90_000);

afterAll(async () => {
  await cloud?.stop();
});

const SLOW_FLOW = [{ wait: { ms: 2_000 } }, { output: { name: 'done', value: 'yes' } }];

async function groupEtag(envId: string, groupId: string): Promise<string> {
  return String((await admin.get(`environments/${envId}/groups/${groupId}`)).body.etag);
}

describe('bot lifecycles', () => {
  it('maintenance stops assignment without cancelling the running run; turning it off resumes', async () => {
    const envId = await anEnvironment(admin, 2);
    const g = await aGroupWithFlow(admin, envId, 'Maintained', 1, SLOW_FLOW);
    const [first, ...rest] = await submitRuns(admin, g, 3);
    await until(
      'the first run to start',
      async () => ((await runsOf(admin, envId, [first ?? ''])).some((r) => r.state === 'Running') ? true : undefined),
      30_000,
    );
    const on = await admin.patch(`environments/${envId}/groups/${g.groupId}`, { maintenance: true }, { 'if-match': await groupEtag(envId, g.groupId) });
    expect(on.status).toBe(200);
    const [firstRun] = await allEnded(admin, envId, [first ?? ''], 30_000);
    expect(firstRun?.state).toBe('Succeeded');
    await new Promise((r) => setTimeout(r, 3_000));
    expect((await runsOf(admin, envId, rest)).map((r) => r.state)).toEqual(['Queued', 'Queued']);
    const off = await admin.patch(`environments/${envId}/groups/${g.groupId}`, { maintenance: false }, { 'if-match': await groupEtag(envId, g.groupId) });
    expect(off.status).toBe(200);
    expect((await allEnded(admin, envId, rest, 40_000)).map((r) => r.state)).toEqual(['Succeeded', 'Succeeded']);
  }, 120_000);

  it('an image change drains the bot after its run and reprovisions it from the new image, cancelling nothing', async () => {
    const envId = await anEnvironment(admin, 2);
    const g = await aGroupWithFlow(admin, envId, 'Reimaged', 1, SLOW_FLOW);
    const image = await admin.post<{ id: string }>(`environments/${envId}/images`, {
      name: 'Finance image',
      galleryImageVersionId:
        '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/finance/versions/1.2.3',
      replicatedRegions: ['eastus'],
    });
    expect(image.status).toBe(201);
    const ids = await submitRuns(admin, g, 2);
    await until('a run to start', async () => ((await runsOf(admin, envId, ids)).some((r) => r.state === 'Running') ? true : undefined), 30_000);
    const changed = await admin.patch(
      `environments/${envId}/groups/${g.groupId}`,
      { imageId: image.body.id },
      { 'if-match': await groupEtag(envId, g.groupId) },
    );
    expect(changed.status).toBe(200);
    const runs = await allEnded(admin, envId, ids, 60_000);
    expect(runs.map((r) => r.state)).toEqual(['Succeeded', 'Succeeded']);
    const bots = await until(
      'a bot on the new image',
      async () => {
        const all = await botsOf(admin, g);
        return all.some((b) => b.imageVersion === '1.2.3' && b.state === 'Ready') ? all : undefined;
      },
      90_000,
    );
    expect(bots.filter((b) => b.state !== 'Deleted').every((b) => b.imageVersion === '1.2.3')).toBe(true);
  }, 180_000);
  it('a run whose agent died with the host (SIGKILL) ends once: resumed by its restarted agent, or requeued to another bot', async () => {
    const envId = await anEnvironment(admin, 2);
    const g = await aGroupWithFlow(admin, envId, 'Survivor', 1, [{ wait: { ms: 4_000 } }, { output: { name: 'done', value: 'yes' } }]);
    const [runId] = await submitRuns(admin, g, 1);
    await until('the run to start', async () => (await runsOf(admin, envId, [runId ?? ''])).find((r) => r.state === 'Running'), 30_000);
    // the simulated bots' agent processes exit with the Functions host; the restarted host starts the agents of the
    // VMs that are still there again (as a VM's agent service at boot), and the agent gets its bot's run back, unless
    // the controller found the bot lost first (the run then goes to another bot: tests/e2e/agent-dispatch.test.ts)
    await cloud.host.restart('SIGKILL');
    const [ended] = await allEnded(admin, envId, [runId ?? ''], 90_000);
    expect(ended?.state).toBe('Succeeded');
    expect(ended?.outputs).toEqual({ done: 'yes' });
    expect(ended?.attempt).toBeLessThanOrEqual(2);
  }, 150_000);

  it('a cancel of a running run reaches its bot’s agent, which stops it', async () => {
    const envId = await anEnvironment(admin, 2);
    const g = await aGroupWithFlow(admin, envId, 'Cancelled', 1, [{ wait: { ms: 60_000 } }, { output: { name: 'never', value: 'x' } }]);
    const [runId] = await submitRuns(admin, g, 1);
    await until('the run to start', async () => (await runsOf(admin, envId, [runId ?? ''])).find((r) => r.state === 'Running'), 30_000);
    const cancel = await admin.post(`environments/${envId}/runs/${runId}/cancel`);
    expect(cancel.status).toBe(202);
    const [ended] = await allEnded(admin, envId, [runId ?? ''], 30_000);
    expect(ended?.state).toBe('Cancelled');
    expect(ended?.outputs ?? {}).toEqual({});
  }, 90_000);
});
