import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCloud, type LocalCloud } from '../../local/stack/local-cloud.js';
import { mintToken } from '../../local/stack/token-issuer.js';
import { ApiClient } from '../support/api-client.js';

/**
 * The whole story on a local cloud of its own with short durations: runs submitted to a cold group bring bots
 * up (never more than maxBots), the simulated bots' reference agents run the flows, every run succeeds with its
 * outputs, and idle bots are torn down after the idle timeout.
 */
let cloud: LocalCloud;
let admin: ApiClient;

const SETTINGS = {
  LOCAL_PROVISION_DELAY_MS: '300',
  BOT_IDLE_TIMEOUT_SECONDS: '4',
  CONTROLLER_INTERVAL_SECONDS: '2',
  BOT_HEARTBEAT_TIMEOUT_SECONDS: '20',
};

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, settings: SETTINGS, log: (line) => process.env.LOCAL_CLOUD_VERBOSE && console.log(line) });
  admin = new ApiClient(cloud.baseUrl, await mintToken(cloud.issuer, { userId: 'e2e-admin', platformAdmin: true }), 'e2e-admin');
}, 90_000);

afterAll(async () => {
  await cloud?.stop();
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

type Bot = { id: string; state: string };
type Run = { id: string; state: string; outputs?: Record<string, unknown>; botId?: string };

describe('bots on demand', () => {
  it('brings bots up for a burst within maxBots, runs everything, then tears idle bots down', async () => {
    const env = await admin.post<{ id: string }>('environments', { name: 'E2E', geography: 'US', plan: 'paid', capacity: 5 });
    expect(env.status).toBe(201);
    const envId = env.body.id;
    const images = await admin.get<{ items: Array<{ id: string; builtIn: boolean }> }>(`environments/${envId}/images`);
    const imageId = images.body.items.find((i) => i.builtIn)?.id;
    const group = await admin.post<{ id: string }>(`environments/${envId}/groups`, {
      name: 'Invoices',
      maxBots: 2,
      committedBots: 0,
      imageId,
      account: { username: 'rpa-e2e', password: 'E2e-Passw0rd!x' },
    });
    expect(group.status).toBe(201);
    const groupId = group.body.id;
    const connection = await admin.post<{ id: string }>(`environments/${envId}/connections`, { name: 'c', groupId, username: 'rpa-e2e', password: 'E2e-Passw0rd!x' });
    const flow = await admin.post<{ id: string }>(`environments/${envId}/desktop-flows`, {
      name: 'Post invoice',
      definition: { steps: [{ wait: { ms: 300 } }, { output: { name: 'invoice', value: '42' } }] },
    });

    const runIds: string[] = [];
    for (let i = 0; i < 6; i++) {
      const run = await admin.post<{ id: string }>(`environments/${envId}/runs`, { connectionId: connection.body.id, desktopFlowId: flow.body.id, inputs: { i }, priority: 'Normal' });
      expect(run.status).toBe(202);
      runIds.push(run.body.id);
    }

    let mostBotsAlive = 0;
    const finished = await until(
      'every run to end',
      async () => {
        const bots = await admin.get<{ items: Bot[] }>(`environments/${envId}/groups/${groupId}/bots`);
        mostBotsAlive = Math.max(mostBotsAlive, bots.body.items.filter((b) => !['Deleted', 'Failed'].includes(b.state)).length);
        const runs = await Promise.all(runIds.map(async (id) => (await admin.get<Run>(`environments/${envId}/runs/${id}`)).body));
        return runs.every((r) => !['Queued', 'Running'].includes(r.state)) ? runs : undefined;
      },
      60_000,
    );
    expect(finished.map((r) => r.state)).toEqual(Array(6).fill('Succeeded'));
    for (const run of finished) expect(run.outputs).toEqual({ invoice: '42' });
    expect(mostBotsAlive).toBeGreaterThanOrEqual(1);
    expect(mostBotsAlive).toBeLessThanOrEqual(2);

    const decisions = await admin.get<{ items: Array<{ action: string; reason: string }> }>(`environments/${envId}/groups/${groupId}/scaling`);
    expect(decisions.body.items.some((d) => d.action === 'create')).toBe(true);

    // idle past BOT_IDLE_TIMEOUT_SECONDS: the planner releases them and their lifecycles tear them down
    await until(
      'idle bots to be torn down',
      async () => {
        const bots = await admin.get<{ items: Bot[] }>(`environments/${envId}/groups/${groupId}/bots`);
        return bots.body.items.length > 0 && bots.body.items.every((b) => b.state === 'Deleted') ? true : undefined;
      },
      30_000,
    );
    expect(decisions.body.items.length).toBeGreaterThan(0);
  }, 120_000);
});
