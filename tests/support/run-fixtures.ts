import { randomUUID } from 'node:crypto';
import { buildClients, type AppClients } from '../../composition/root/clients.js';
import { loadAppConfig } from '../../app/config/app-config.js';
import { claimNextRun, type ClaimResult } from '../../app/runs/claim.js';
import { submitRun } from '../../app/runs/submit.js';
import type { ApiClient, ApiResult } from './api-client.js';
import { localCloud } from './api-client.js';
import { aConnection, aDesktopFlow, builtInImageId, createGroup } from './connection-fixtures.js';
import { createEnvironment } from './fixtures.js';

/** Object mothers and helpers for runs; override what a test is about. */

export type RunState = 'Queued' | 'Running' | 'Succeeded' | 'Failed' | 'Cancelled' | 'TimedOut';

export interface RunBody {
  id: string;
  etag: string;
  groupId: string;
  connectionId: string;
  desktopFlowId: string;
  desktopFlowName: string;
  desktopFlowVersion: number;
  priority: 'High' | 'Normal';
  timeoutMinutes: number;
  state: RunState;
  queuedAt: string;
  movedToTopAt: string | null;
  startedAt: string | null;
  endedAt: string | null;
  botId: string | null;
  attempt: number;
  cancelRequested: boolean;
  error: { code: string; message: string } | null;
  submittedBy: string;
  definition?: { steps: unknown[] };
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown> | null;
  position?: number;
  waitSeconds?: number;
}

export interface Problem {
  status?: number;
  code?: string;
  reason?: string;
  errors?: Array<{ field: string; message: string }>;
}

/** Everything a run needs: an environment, a group, a connection owned by `owner`, a desktop flow. */
export interface RunWorld {
  client: ApiClient;
  envId: string;
  groupId: string;
  connectionId: string;
  flowId: string;
}

function expectStatus<T>(res: ApiResult<T>, status: number, what: string): ApiResult<T> {
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status} ${res.text}`);
  return res;
}

/** A fresh environment whose creator (SystemAdministrator) owns a group, a connection to it and a desktop flow. */
export async function createRunWorld(admin: ApiClient, envId?: string): Promise<RunWorld> {
  const id = envId ?? (await createEnvironment(admin, { capacity: 2 })).id;
  const imageId = await builtInImageId(admin, id);
  const group = await createGroup(admin, id, imageId, { maxBots: 2 });
  // then capacity 0 (a group's maxBots may not exceed the capacity when it is set, but the capacity may go below it):
  // the environment's controller starts no bot, so the tests' own claimers are the only ones
  if (envId === undefined) expectStatus(await admin.patch(`environments/${id}`, { capacity: 0 }), 200, 'capacity 0');
  return { client: admin, envId: id, groupId: group.id, ...(await connectAndRegisterFlow(admin, id, group.id)) };
}

/** A connection of `owner` to the group and a desktop flow. */
export async function connectAndRegisterFlow(owner: ApiClient, envId: string, groupId: string): Promise<{ connectionId: string; flowId: string }> {
  const connection = expectStatus(await owner.post<{ id: string }>(`environments/${envId}/connections`, aConnection(groupId)), 201, 'connection create');
  const flow = expectStatus(await owner.post<{ id: string }>(`environments/${envId}/desktop-flows`, aDesktopFlow()), 201, 'flow create');
  return { connectionId: connection.body.id, flowId: flow.body.id };
}

export const aRun = (world: Pick<RunWorld, 'connectionId' | 'flowId'>, overrides: Record<string, unknown> = {}) => ({
  connectionId: world.connectionId,
  desktopFlowId: world.flowId,
  inputs: { invoice: `INV-${randomUUID().slice(0, 8)}` },
  priority: 'Normal',
  ...overrides,
});

export const runsPath = (envId: string) => `environments/${envId}/runs`;
export const runPath = (envId: string, runId: string) => `environments/${envId}/runs/${runId}`;

export async function submit(
  world: RunWorld,
  overrides: Record<string, unknown> = {},
  headers: Record<string, string> = {},
  client: ApiClient = world.client,
): Promise<RunBody> {
  return expectStatus(await client.post<RunBody>(runsPath(world.envId), aRun(world, overrides), headers), 202, 'run submit').body;
}

/** Submits `count` runs, `concurrency` at a time; answers them in submission order. */
export async function submitMany(
  world: RunWorld,
  count: number,
  concurrency: number,
  overrides: (i: number) => Record<string, unknown> = () => ({}),
): Promise<RunBody[]> {
  const runs: RunBody[] = new Array<RunBody>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        runs[i] = await submit(world, overrides(i));
      }
    }),
  );
  return runs;
}

/**
 * For tests about claiming many runs: submissions through the real service (`submitRun`: the same Cosmos writes and
 * Service Bus message as the API), in this process, many times faster than HTTP submissions on the shared host.
 */
export type SubmittedRun = Pick<RunBody, 'id' | 'priority' | 'queuedAt'>;

export async function submitManyInProcess(
  deps: AppClients,
  world: RunWorld,
  count: number,
  concurrency: number,
  overrides: (i: number) => { priority?: 'High' | 'Normal' } = () => ({}),
): Promise<SubmittedRun[]> {
  const principal = { userId: world.client.userId, name: 'admin', platformAdmin: true, isApp: false };
  const runs: SubmittedRun[] = new Array<SubmittedRun>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const input = {
          connectionId: world.connectionId,
          desktopFlowId: world.flowId,
          inputs: { i },
          priority: 'Normal' as const,
          timeoutMinutes: 1440,
          ...overrides(i),
        };
        const { run } = await submitRun(deps, principal, world.envId, input, {});
        runs[i] = { id: run.id, priority: run.priority, queuedAt: run.queuedAt };
      }
    }),
  );
  return runs;
}

export async function readRun(world: RunWorld, runId: string, client: ApiClient = world.client): Promise<ApiResult<RunBody>> {
  return client.get<RunBody>(runPath(world.envId, runId));
}

export async function queueOf(world: RunWorld, query = ''): Promise<{ items: RunBody[]; continuationToken?: string }> {
  return expectStatus(
    await world.client.get<{ items: RunBody[]; continuationToken?: string }>(`environments/${world.envId}/groups/${world.groupId}/queue${query}`),
    200,
    'queue view',
  ).body;
}

/** AppClients in this process against the local cloud's Cosmos and Service Bus: what a bot's Durable activity gets. */
export function inProcessServices(settings: Record<string, string> = localCloud().settings): AppClients {
  return buildClients(loadAppConfig(settings));
}

/** Claims until the group's queue answers nothing, each claim for a new bot (`{prefix}-{n}`); the claimed run ids in claim order. */
export async function claimAll(deps: AppClients, world: Pick<RunWorld, 'envId' | 'groupId'>, botPrefix: string): Promise<string[]> {
  const claimed: string[] = [];
  for (;;) {
    const botId = `${botPrefix}-${claimed.length + 1}`;
    const result: ClaimResult = await claimNextRun(deps, { environmentId: world.envId, groupId: world.groupId, botId, waitMs: 300 });
    if ('none' in result) return claimed;
    claimed.push(result.run.id);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls GET until the run has ended (200), or fails after `timeoutMs`. */
export async function pollUntilEnded(world: RunWorld, runId: string, timeoutMs: number, intervalMs = 100): Promise<ApiResult<RunBody>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await readRun(world, runId);
    if (res.status !== 202) return res;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${res.body.state} after ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}
