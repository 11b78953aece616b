import { startLocalCloud, type LocalCloud } from '../../local/stack/local-cloud.js';
import { mintToken } from '../../local/stack/token-issuer.js';
import { ApiClient } from '../support/api-client.js';

/**
 * Poll as fast as the stories need: one admin watches every run and bot of an environment several times a second,
 * far above RATE_LIMIT_PER_MINUTE, which tests/integration/security/quotas.test.ts covers on a cloud of its own.
 */
const UNTHROTTLED = { RATE_LIMIT_PER_MINUTE: '1000000' };

/** A local cloud of the e2e suite's own, with durations short enough for whole stories to play out in seconds. */
export async function startE2eCloud(settings: Record<string, string>): Promise<{ cloud: LocalCloud; admin: ApiClient; logs: string[] }> {
  const logs: string[] = [];
  const cloud = await startLocalCloud({
    port: 0,
    settings: { ...UNTHROTTLED, ...settings },
    log: (line) => {
      logs.push(line);
      if (process.env.LOCAL_CLOUD_VERBOSE) console.log(line);
    },
  });
  const admin = new ApiClient(cloud.baseUrl, await mintToken(cloud.issuer, { userId: 'e2e-admin', platformAdmin: true }), 'e2e-admin');
  return { cloud, admin, logs };
}

/** Polls `probe` every `everyMs` until it answers something other than undefined, or throws after `timeoutMs`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export type Bot = { id: string; state: string; imageVersion: string; currentRunId?: string };
export type Run = { id: string; state: string; outputs?: Record<string, unknown>; botId?: string; attempt?: number; error?: { code: string } };

export interface E2eGroup {
  envId: string;
  groupId: string;
  connectionId: string;
  flowId: string;
}

const PASSWORD = 'E2e-Passw0rd!x';

export async function anEnvironment(admin: ApiClient, capacity: number): Promise<string> {
  const env = await admin.post<{ id: string }>('environments', { name: `E2E ${capacity}`, geography: 'US', plan: 'paid', capacity });
  if (env.status !== 201) throw new Error(`environment: ${env.status} ${env.text}`);
  return env.body.id;
}

export async function aGroupWithFlow(admin: ApiClient, envId: string, name: string, maxBots: number, steps: unknown[]): Promise<E2eGroup> {
  const images = await admin.get<{ items: Array<{ id: string; builtIn: boolean }> }>(`environments/${envId}/images`);
  const imageId = images.body.items.find((i) => i.builtIn)?.id;
  const group = await admin.post<{ id: string }>(`environments/${envId}/groups`, {
    name,
    maxBots,
    committedBots: 0,
    imageId,
    account: { username: 'rpa-e2e', password: PASSWORD },
  });
  if (group.status !== 201) throw new Error(`group: ${group.status} ${group.text}`);
  const connection = await admin.post<{ id: string }>(`environments/${envId}/connections`, {
    name,
    groupId: group.body.id,
    username: 'rpa-e2e',
    password: PASSWORD,
  });
  const flow = await admin.post<{ id: string }>(`environments/${envId}/desktop-flows`, { name, definition: { steps } });
  return { envId, groupId: group.body.id, connectionId: connection.body.id, flowId: flow.body.id };
}

export async function submitRuns(admin: ApiClient, g: E2eGroup, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const run = await admin.post<{ id: string }>(`environments/${g.envId}/runs`, {
      connectionId: g.connectionId,
      desktopFlowId: g.flowId,
      inputs: { i },
      priority: 'Normal',
    });
    if (run.status !== 202) throw new Error(`submit: ${run.status} ${run.text}`);
    ids.push(run.body.id);
  }
  return ids;
}

export async function runsOf(admin: ApiClient, envId: string, ids: string[]): Promise<Run[]> {
  return Promise.all(ids.map(async (id) => (await admin.get<Run>(`environments/${envId}/runs/${id}`)).body));
}

/** The group's bots, every state (the list shows only live bots unless asked; 200 is its largest page). */
export async function botsOf(admin: ApiClient, g: Pick<E2eGroup, 'envId' | 'groupId'>): Promise<Bot[]> {
  return (
    await admin.get<{ items: Bot[] }>(
      `environments/${g.envId}/groups/${g.groupId}/bots?pageSize=200&state=Provisioning,Ready,Busy,Draining,Deprovisioning,Deleted,Failed`,
    )
  ).body.items;
}

/** Bots holding a slot of the environment's parallel limit (a VM being deleted runs nothing and holds none). */
export const alive = (bots: Bot[]) => bots.filter((b) => ['Provisioning', 'Ready', 'Busy', 'Draining'].includes(b.state));

export async function allEnded(admin: ApiClient, envId: string, ids: string[], timeoutMs: number): Promise<Run[]> {
  return until(
    'every run to end',
    async () => {
      const runs = await runsOf(admin, envId, ids);
      return runs.every((r) => !['Queued', 'Running'].includes(r.state)) ? runs : undefined;
    },
    timeoutMs,
  );
}
