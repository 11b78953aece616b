import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { BulkOperationType, CosmosClient, type Container, type JSONObject } from '@azure/cosmos';
import type { LocalCloud } from '../local/stack/local-cloud.js';
import { mintToken } from '../local/stack/token-issuer.js';
import type { BotIdentity } from '../app/bots/bot-credentials.js';
import type { AppClients } from '../composition/root/clients.js';
import { cosmosDefinitions, RUNS_CONTAINER } from '../app/config/infra-definitions.js';
import type { BotDocument, BotState } from '../domain/bot.js';
import type { ImageDocument } from '../domain/image.js';
import { dispatchKeyOf, type RunDocument } from '../domain/run.js';
import { botImageSpecOf } from '../app/ports/bot-provisioner.js';

/**
 * What the cost and scale benches share: an HTTP client of the API (as an admin), an environment with groups made
 * through the API, bot records written as the planning round writes them, a deep queue seeded straight into the
 * Cosmos peer, and the peers' operation counters read as snapshots.
 */

export interface Api {
  call(method: string, route: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }>;
  must(method: string, route: string, body: unknown, status: number): Promise<Record<string, unknown>>;
}

export async function adminApi(cloud: LocalCloud): Promise<Api> {
  const token = await mintToken(cloud.issuer, { userId: 'bench-admin', platformAdmin: true });
  const call: Api['call'] = async (method, route, body) => {
    const res = await fetch(`${cloud.baseUrl}/api/${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  return {
    call,
    must: async (method, route, body, status) => {
      const res = await call(method, route, body);
      if (res.status !== status) throw new Error(`${method} ${route}: ${res.status} ${JSON.stringify(res.json)}`);
      return res.json;
    },
  };
}

export interface BenchGroup {
  groupId: string;
  connectionId: string;
}

export interface BenchEnvironment {
  envId: string;
  imageId: string;
  flowId: string;
  groups: BenchGroup[];
}

const ACCOUNT = { username: 'rpa-runner', password: 'Bench-Acc0unt!pass' };

export async function createEnvironment(api: Api, capacity: number, name = 'Bench'): Promise<BenchEnvironment> {
  const env = await api.must('POST', 'environments', { name, geography: 'Europe', plan: 'paid', capacity }, 201);
  const envId = String(env.id);
  const images = await api.must('GET', `environments/${envId}/images`, undefined, 200);
  const image = (images.items as Array<{ id: string; builtIn: boolean }>).find((i) => i.builtIn);
  if (!image) throw new Error('no built-in image');
  const flow = await api.must(
    'POST',
    `environments/${envId}/desktop-flows`,
    { name: 'Bench flow', definition: { steps: [{ output: { name: 'x', value: '1' } }] } },
    201,
  );
  return { envId, imageId: image.id, flowId: String(flow.id), groups: [] };
}

/** A group (committed 0) and a connection to it, through the API. */
export async function addGroup(api: Api, env: BenchEnvironment, name: string, maxBots: number): Promise<BenchGroup> {
  const group = await api.must('POST', `environments/${env.envId}/groups`, { name, maxBots, committedBots: 0, imageId: env.imageId, account: ACCOUNT }, 201);
  const groupId = String(group.id);
  const connection = await api.must('POST', `environments/${env.envId}/connections`, { name: `${name} connection`, groupId, ...ACCOUNT }, 201);
  const added = { groupId, connectionId: String(connection.id) };
  env.groups.push(added);
  return added;
}

export function submitBody(env: BenchEnvironment, group: BenchGroup, i: number): Record<string, unknown> {
  return { connectionId: group.connectionId, desktopFlowId: env.flowId, inputs: { i }, priority: i % 4 === 0 ? 'High' : 'Normal' };
}

/**
 * Bot records of a group as the planning round writes them (app/bots/planning-round.ts), already up: `state`
 * with credential version 1, so that the agent services (`agentClaim`, `agentHeartbeat`, `agentFinish`) accept the
 * identity. No lifecycle runs behind them: the bench acts as their agents.
 */
export async function writeBotRecords(deps: AppClients, env: BenchEnvironment, groupId: string, count: number, state: BotState): Promise<BotIdentity[]> {
  const at = deps.now().toISOString();
  const image = await deps.store.get<ImageDocument>(env.envId, env.imageId);
  if (!image) throw new Error(`image ${env.imageId} not found`);
  // the group's image version, or the planner drains the bot for an image change
  const imageVersion = botImageSpecOf(image).version;
  const identities: BotIdentity[] = [];
  for (let i = 0; i < count; i++) {
    const botId = randomUUID();
    const bot: BotDocument = {
      id: botId,
      environmentId: env.envId,
      type: 'bot',
      groupId,
      state,
      imageId: env.imageId,
      imageVersion,
      since: at,
      credentialVersion: 1,
      reason: 'bench',
      lastHeartbeatAt: at,
      createdAt: at,
      updatedAt: at,
    };
    await deps.botStore.create(bot);
    identities.push({ environmentId: env.envId, groupId, botId, credentialVersion: 1 });
  }
  return identities;
}

/** The runs container of the peer, through the Cosmos SDK (not the product's store). */
export function runsContainer(cloud: LocalCloud): { container: Container; close(): void } {
  const client = new CosmosClient({ endpoint: cloud.cosmos.endpoint, key: cloud.cosmos.key, connectionPolicy: { enableEndpointDiscovery: false } });
  return { container: client.database(cosmosDefinitions.databaseName).container(RUNS_CONTAINER), close: () => client.dispose() };
}

const SYSTEM_FIELDS = ['_rid', '_self', '_etag', '_attachments', '_ts'] as const;

/**
 * `count` Queued runs in `group`, cloned from `template` (a run submitted over HTTP, read back raw, so every field the
 * product writes is there) with fresh ids and queue times, created through the Cosmos SDK's bulk API against the peer
 * (100 creates a request, 4 requests in flight). They have no queue message: they make the queue deep.
 */
export async function seedQueuedRuns(container: Container, template: RunDocument, groupId: string, count: number): Promise<number> {
  const base = { ...template } as Record<string, unknown>;
  for (const f of SYSTEM_FIELDS) delete base[f];
  delete base.movedToTopAt;
  // queued within the last hour: none is due for the queued-run timeout (QUEUED_RUN_TIMEOUT_MINUTES, 6 h by default)
  const t0 = Date.now() - 3_600_000;
  const runAt = (i: number) => {
    const queuedAt = new Date(t0 + i * 20).toISOString();
    const run = {
      ...base,
      id: randomUUID(),
      groupId,
      state: 'Queued',
      priority: i % 4 === 0 ? 'High' : 'Normal',
      queuedAt,
      createdAt: queuedAt,
      updatedAt: queuedAt,
      attempt: 0,
    } as unknown as RunDocument;
    run.dispatchKey = dispatchKeyOf(run);
    return run;
  };
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (;;) {
        const from = next;
        next += 100;
        if (from >= count) return;
        const operations = Array.from({ length: Math.min(100, count - from) }, (_, j) => ({
          operationType: BulkOperationType.Create,
          resourceBody: runAt(from + j) as unknown as JSONObject,
        }));
        const results = await container.items.bulk(operations);
        const failed = results.find((r) => r.statusCode >= 300);
        if (failed) throw new Error(`seeding: bulk create answered ${failed.statusCode}`);
      }
    }),
  );
  return (performance.now() - started) / 1000;
}

export async function rawRun(container: Container, environmentId: string, runId: string): Promise<RunDocument> {
  const { resource } = await container.item(runId, [environmentId, runId]).read<RunDocument>();
  if (!resource) throw new Error(`run ${runId} not found`);
  return resource;
}

// ---- the peers' counters -----------------------------------------------------------------------

export interface OperationCounts {
  /** Cosmos per container: reads, writes, queries, queryPlans */
  cosmos: Record<string, { reads: number; writes: number; queries: number; queryPlans: number }>;
  serviceBus: { send: number; receive: number; complete: number; abandon: number; deadLetter: number };
}

export function snapshot(cloud: LocalCloud): OperationCounts {
  const cosmos: OperationCounts['cosmos'] = {};
  for (const [name, c] of Object.entries(cloud.cosmos.operations.byContainer)) cosmos[name] = { ...c };
  const { send, receive, complete, abandon, deadLetter } = cloud.serviceBus.counters.operations;
  return { cosmos, serviceBus: { send, receive, complete, abandon, deadLetter } };
}

export function difference(after: OperationCounts, before: OperationCounts): OperationCounts {
  const cosmos: OperationCounts['cosmos'] = {};
  for (const [name, a] of Object.entries(after.cosmos)) {
    const b = before.cosmos[name] ?? { reads: 0, writes: 0, queries: 0, queryPlans: 0 };
    cosmos[name] = { reads: a.reads - b.reads, writes: a.writes - b.writes, queries: a.queries - b.queries, queryPlans: a.queryPlans - b.queryPlans };
  }
  const sb = after.serviceBus;
  const sb0 = before.serviceBus;
  return {
    cosmos,
    serviceBus: {
      send: sb.send - sb0.send,
      receive: sb.receive - sb0.receive,
      complete: sb.complete - sb0.complete,
      abandon: sb.abandon - sb0.abandon,
      deadLetter: sb.deadLetter - sb0.deadLetter,
    },
  };
}

/** Executions started per function since the host started (the local host's stand-in for Function Execution Count). */
export async function hostExecutions(cloud: LocalCloud): Promise<Record<string, number>> {
  const res = await fetch(`${cloud.baseUrl}/admin/host/executions`);
  if (!res.ok) throw new Error(`GET /admin/host/executions: ${res.status}`);
  return (await res.json()) as Record<string, number>;
}

/** Executions per function between two readings of hostExecutions (functions with none left out). */
export function executionsBetween(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, n] of Object.entries(after)) {
    const d = n - (before[name] ?? 0);
    if (d > 0) out[name] = d;
  }
  return out;
}

export const cosmosWrites = (c: OperationCounts) => Object.values(c.cosmos).reduce((n, x) => n + x.writes, 0);
export const serviceBusOperations = (c: OperationCounts) =>
  c.serviceBus.send + c.serviceBus.receive + c.serviceBus.complete + c.serviceBus.abandon + c.serviceBus.deadLetter;
const total = (c: OperationCounts) => Object.values(c.cosmos).reduce((n, x) => n + x.reads + x.writes + x.queries + x.queryPlans, 0) + serviceBusOperations(c);

/** Waits until no peer counted anything for `quietMs` (the host's background work a call caused is done), at most `maxMs`. */
export async function settle(cloud: LocalCloud, quietMs = 700, maxMs = 6_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let last = total(snapshot(cloud));
  let since = Date.now();
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    const now = total(snapshot(cloud));
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return;
  }
}

// ---- the machine ---------------------------------------------------------------------------

/** Resident memory of a process in MiB, from /proc (Linux). */
export function rssMiB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Math.round(Number(kb) / 102.4) / 10;
  } catch {
    return undefined;
  }
}

/** The resident size of a process's C heap (the `[heap]` mapping: glibc malloc's main arena), MiB. */
export function cHeapMiB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const smaps = readFileSync(`/proc/${pid}/smaps`, 'utf8');
    const at = smaps.indexOf('[heap]');
    if (at < 0) return undefined;
    const kb = /Rss:\s+(\d+) kB/.exec(smaps.slice(at))?.[1];
    return kb === undefined ? undefined : Math.round(Number(kb) / 102.4) / 10;
  } catch {
    return undefined;
  }
}

/** The local host's JS heap in use and its memory outside the JS heap (GET /admin/host/memory), MiB; `gc`: after a full collection. */
export async function hostHeapMiB(baseUrl: string, options: { gc?: boolean } = {}): Promise<{ jsHeapUsedMiB: number; externalMiB: number } | undefined> {
  try {
    const res = await fetch(`${baseUrl}/admin/host/memory${options.gc ? '?gc=1' : ''}`, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) return undefined;
    const usage = (await res.json()) as { heapUsed: number; external: number };
    const mib = (bytes: number) => Math.round(bytes / 104_857.6) / 10;
    return { jsHeapUsedMiB: mib(usage.heapUsed), externalMiB: mib(usage.external) };
  } catch {
    return undefined;
  }
}

export function loadAverage(): { '1m': number; '5m': number; '15m': number } {
  const [a = 0, b = 0, c = 0] = os.loadavg();
  const r = (v: number) => Math.round(v * 100) / 100;
  return { '1m': r(a), '5m': r(b), '15m': r(c) };
}

export async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const result = await work();
  return [result, performance.now() - t0];
}

export const envNumber = (name: string, fallback: number): number => {
  const raw = process.env[name];
  return raw === undefined || raw === '' ? fallback : Number(raw);
};
