import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/stack/local-cloud.js';
import type { ApiClient } from '../support/api-client.js';
import { aGroupWithFlow, alive, allEnded, anEnvironment, botsOf, startE2eCloud, submitRuns, until } from './e2e-world.js';

/**
 * The whole story on a local cloud of its own: runs bring bots up within the limits, the simulated bots' reference
 * agents run the flows, every run succeeds with its outputs, idle bots are torn down. One provisioning in five
 * fails (injected), so every story also goes through recorded and retried failures.
 */
let cloud: LocalCloud;
let admin: ApiClient;
let logs: string[];

beforeAll(async () => {
  ({ cloud, admin, logs } = await startE2eCloud({
    LOCAL_PROVISION_DELAY_MS: '300',
    LOCAL_PROVISION_FAILURE_RATE: '0.2',
    BOT_IDLE_TIMEOUT_SECONDS: '4',
    CONTROLLER_INTERVAL_SECONDS: '2',
    BOT_HEARTBEAT_TIMEOUT_SECONDS: '6',
  }));
}, 90_000);

afterAll(async () => {
  await cloud?.stop();
});

const FLOW = [{ wait: { ms: 300 } }, { output: { name: 'invoice', value: '42' } }];

describe('bots on demand', () => {
  it('brings bots up for a burst within maxBots, runs everything with outputs, then tears idle bots down', async () => {
    const envId = await anEnvironment(admin, 5);
    const g = await aGroupWithFlow(admin, envId, 'Invoices', 2, FLOW);
    const ids = await submitRuns(admin, g, 6);
    let mostAlive = 0;
    const runs = await until(
      'every run to end',
      async () => {
        mostAlive = Math.max(mostAlive, alive(await botsOf(admin, g)).length);
        const all = await allEnded(admin, envId, ids, 1).catch(() => undefined);
        return all;
      },
      60_000,
    );
    expect(runs.map((r) => r.state)).toEqual(Array(6).fill('Succeeded'));
    for (const run of runs) expect(run.outputs).toEqual({ invoice: '42' });
    expect(mostAlive).toBeGreaterThanOrEqual(1);
    expect(mostAlive).toBeLessThanOrEqual(2);
    const decisions = await admin.get<{ items: Array<{ action: string; reason: string }> }>(`environments/${envId}/groups/${g.groupId}/scaling`);
    expect(decisions.body.items.some((d) => d.action === 'create' && d.reason === 'demand')).toBe(true);
    // every step of every run is in the log with its run id and group id
    for (const id of ids) {
      for (const event of ['submitted', 'claimed', 'finished']) {
        expect(
          logs.some((l) => l.includes(`run.${event} runId=${id} groupId=${g.groupId}`)),
          `${event} ${id}`,
        ).toBe(true);
      }
    }

    await until(
      'idle bots to be torn down',
      async () => {
        const bots = await botsOf(admin, g);
        return bots.length > 0 && alive(bots).length === 0 ? true : undefined;
      },
      // idle 4 s, rounds every 2 s, then the VM's deletion: seconds alone, but the whole suite loads the 2 cores
      60_000,
    );
  }, 150_000);

  it('lets two groups sharing a capacity of 2 both progress', async () => {
    const envId = await anEnvironment(admin, 2);
    const a = await aGroupWithFlow(admin, envId, 'A', 2, FLOW);
    const b = await aGroupWithFlow(admin, envId, 'B', 2, FLOW);
    const runsA = await submitRuns(admin, a, 4);
    const runsB = await submitRuns(admin, b, 4);
    let mostAlive = 0;
    const ended = await until(
      'both groups to finish',
      async () => {
        mostAlive = Math.max(mostAlive, alive(await botsOf(admin, a)).length + alive(await botsOf(admin, b)).length);
        return allEnded(admin, envId, [...runsA, ...runsB], 1).catch(() => undefined);
      },
      90_000,
    );
    expect(ended.every((r) => r.state === 'Succeeded')).toBe(true);
    expect(mostAlive).toBeLessThanOrEqual(2);
  }, 120_000);

  it('records injected provisioning failures on the group and retries them', async () => {
    const envId = await anEnvironment(admin, 6);
    const g = await aGroupWithFlow(admin, envId, 'Flaky', 3, FLOW);
    // enough provisionings that a 20 % failure rate shows with near certainty (and earlier tests add theirs)
    for (let round = 0; round < 4; round++) {
      const ids = await submitRuns(admin, g, 3);
      const runs = await allEnded(admin, envId, ids, 60_000);
      expect(runs.every((r) => r.state === 'Succeeded')).toBe(true);
      const errors = await admin.get<{ items: Array<{ reason: string; botId: string }> }>(`environments/${envId}/groups/${g.groupId}/errors`);
      if (errors.body.items.length > 0) {
        expect(errors.body.items[0]?.reason).toContain('SimulatedFailure');
        return;
      }
      await until('bots to go idle and away', async () => (alive(await botsOf(admin, g)).length === 0 ? true : undefined), 30_000);
    }
    throw new Error('no provisioning failure was recorded in 4 rounds');
  }, 240_000);
});
