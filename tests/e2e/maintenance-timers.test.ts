import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/stack/local-cloud.js';
import type { AppClients } from '../../composition/root/clients.js';
import type { BotProvisioner } from '../../app/ports/bot-provisioner.js';
import type { ApiClient } from '../support/api-client.js';
import { aVm, localVms } from '../support/maintenance-fixtures.js';
import { inProcessServices } from '../support/run-fixtures.js';
import { MAINTENANCE_TIMERS_OFF } from '../support/timer-schedules.js';
import { aGroupWithFlow, alive, allEnded, anEnvironment, botsOf, runsOf, startE2eCloud, submitRuns, until } from './e2e-world.js';

// The maintenance timers on the real host and Durable engine, fired through the local host's admin route as an
// operator would (`POST /admin/functions/{name}`); their schedules never fire here. INACTIVE_GROUP_DAYS is a few
// seconds, so the inactivity story is the last of the file.

const INACTIVE_SECONDS = 4;

let cloud: LocalCloud;
let admin: ApiClient;
let deps: AppClients;
let vms: BotProvisioner;

beforeAll(async () => {
  ({ cloud, admin } = await startE2eCloud({
    LOCAL_PROVISION_DELAY_MS: '300',
    BOT_IDLE_TIMEOUT_SECONDS: '600',
    CONTROLLER_INTERVAL_SECONDS: '2',
    // long enough that the orphan sweep (fired at once), not the heartbeat check, finds the bot whose VM vanished
    BOT_HEARTBEAT_TIMEOUT_SECONDS: '30',
    INACTIVE_GROUP_DAYS: String(INACTIVE_SECONDS / 86_400),
    ...MAINTENANCE_TIMERS_OFF,
  }));
  deps = inProcessServices(cloud.settings);
  vms = localVms(deps, cloud.settings.AzureWebJobsStorage);
}, 90_000);

afterAll(async () => {
  await deps?.queues.close();
  await cloud?.stop();
});

async function fire(timer: string): Promise<void> {
  const res = await fetch(`${cloud.baseUrl}/admin/functions/${timer}?wait=true`, { method: 'POST', body: '{}' });
  expect(res.status, `${timer} ran`).toBe(200);
}

type Action = { action: string; reason: string; botId?: string; groupId?: string };
const maintenanceLog = async (envId: string) => (await admin.get<{ items: Action[] }>(`environments/${envId}/maintenance`)).body.items;

const SLOW_FLOW = [{ wait: { ms: 3_000 } }, { output: { name: 'done', value: 'yes' } }];

describe('maintenance timers', () => {
  it('lists the four maintenance timers (and the callback sweep) on the admin route', async () => {
    const list = (await (await fetch(`${cloud.baseUrl}/admin/functions`)).json()) as Array<{ name: string; trigger: string }>;
    expect(
      list
        .filter((f) => f.trigger === 'timerTrigger')
        .map((f) => f.name)
        .sort(),
    ).toEqual(['callbackSweep', 'inactiveGroupCleanup', 'orphanSweep', 'runDeadlineSweep', 'stuckRunSweep']);
  });

  it('the orphan sweep deletes a VM created behind the control plane’s back', async () => {
    const envId = await anEnvironment(admin, 2);
    const g = await aGroupWithFlow(admin, envId, 'Strays', 1, SLOW_FLOW);
    const stray = await aVm(vms, deps, envId, g.groupId);
    expect((await vms.list()).some((vm) => vm.botId === stray)).toBe(true);
    await fire('orphanSweep');
    expect((await vms.list()).some((vm) => vm.botId === stray)).toBe(false);
    expect(await maintenanceLog(envId)).toEqual([expect.objectContaining({ action: 'orphanVmDeleted', reason: 'NoBotRecord', botId: stray })]);
  }, 60_000);

  it('the orphan sweep wakes the controller of an environment that never had a run, so a new group’s committed bot comes up', async () => {
    const envId = await anEnvironment(admin, 2);
    const g = await aGroupWithFlow(admin, envId, 'Warm', 2, SLOW_FLOW);
    const etag = String((await admin.get(`environments/${envId}/groups/${g.groupId}`)).body.etag);
    expect((await admin.patch(`environments/${envId}/groups/${g.groupId}`, { committedBots: 1 }, { 'if-match': etag })).status).toBe(200);
    expect(await botsOf(admin, g)).toEqual([]); // nothing plans for the group yet: no run was ever submitted here
    await fire('orphanSweep');
    const ready = await until(
      'the committed bot to be Ready',
      async () => {
        const bots = await botsOf(admin, g);
        return bots.length === 1 && bots[0]?.state === 'Ready' ? bots : undefined;
      },
      30_000,
    );
    expect(ready).toHaveLength(1);
  }, 60_000);

  it('a bot whose VM vanished mid-run is marked lost; its run goes back to the queue and ends on a new bot', async () => {
    const envId = await anEnvironment(admin, 2);
    const g = await aGroupWithFlow(admin, envId, 'Vanishing', 1, SLOW_FLOW);
    const [runId = ''] = await submitRuns(admin, g, 1);
    const first = await until('the run to start', async () => (await runsOf(admin, envId, [runId])).find((r) => r.state === 'Running'), 30_000);
    const botId = first.botId ?? '';
    await vms.deprovision({ environmentId: envId, groupId: g.groupId, botId }); // gone behind its lifecycle's back

    await fire('orphanSweep');
    const log = await maintenanceLog(envId);
    expect(log).toEqual([expect.objectContaining({ action: 'botLost', reason: 'VmMissing', botId })]);
    const [run] = await allEnded(admin, envId, [runId], 60_000);
    expect(run).toMatchObject({ state: 'Succeeded', attempt: 2 });
    expect(run?.botId).not.toBe(botId);
    // the lost bot's lifecycle went away too: it ends Deleted and holds no slot
    await until('the lost bot to be gone', async () => ((await botsOf(admin, g)).find((b) => b.id === botId)?.state === 'Deleted' ? true : undefined), 60_000);
  }, 120_000);

  it('the stuck-run sweep runs on demand and leaves healthy runs alone', async () => {
    // capacity 0 once the group exists (its maxBots may not exceed the capacity when it is made): no bot starts
    const envId = await anEnvironment(admin, 1);
    const g = await aGroupWithFlow(admin, envId, 'Healthy', 1, SLOW_FLOW);
    expect((await admin.patch(`environments/${envId}`, { capacity: 0 })).status).toBe(200);
    const ids = await submitRuns(admin, g, 2);
    await fire('stuckRunSweep');
    expect((await runsOf(admin, envId, ids)).map((r) => r.state)).toEqual(['Queued', 'Queued']);
    expect(await maintenanceLog(envId)).toEqual([]);
  }, 60_000);

  it('the inactivity cleanup deletes an idle group without committed bots and tears its bots down; a group with committed bots stays', async () => {
    const envId = await anEnvironment(admin, 3);
    const idle = await aGroupWithFlow(admin, envId, 'Idle', 1, [{ output: { name: 'done', value: 'yes' } }]);
    const committed = await aGroupWithFlow(admin, envId, 'Committed', 1, [{ output: { name: 'done', value: 'yes' } }]);
    const etag = String((await admin.get(`environments/${envId}/groups/${committed.groupId}`)).body.etag);
    expect((await admin.patch(`environments/${envId}/groups/${committed.groupId}`, { committedBots: 1 }, { 'if-match': etag })).status).toBe(200);
    const ids = await submitRuns(admin, idle, 1);
    await allEnded(admin, envId, ids, 30_000);
    expect(alive(await botsOf(admin, idle))).toHaveLength(1); // kept: its idle timeout is long

    await new Promise((r) => setTimeout(r, (INACTIVE_SECONDS + 1) * 1000));
    await fire('inactiveGroupCleanup');
    const groups = (await admin.get<{ items: Array<{ id: string; status: string; deletedReason?: string }> }>(`environments/${envId}/groups`)).body.items;
    expect(groups.find((x) => x.id === idle.groupId)).toMatchObject({ status: 'deleted', deletedReason: 'Inactive' });
    expect(groups.find((x) => x.id === committed.groupId)?.status).toBe('active');
    await until('the idle group’s bots to be torn down', async () => (alive(await botsOf(admin, idle)).length === 0 ? true : undefined), 30_000);
    const refused = await admin.post<{ reason: string }>(`environments/${envId}/runs`, {
      connectionId: idle.connectionId,
      desktopFlowId: idle.flowId,
      inputs: {},
      priority: 'Normal',
    });
    expect([refused.status, refused.body.reason]).toEqual([422, 'GroupDeleted']);
  }, 120_000);
});
