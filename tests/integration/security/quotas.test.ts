import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCloud, type LocalCloud } from '../../../local/stack/local-cloud.js';
import { mintToken } from '../../../local/stack/token-issuer.js';
import { apiRoutes } from '../../../api/routes/index.js';
import { ApiClient, type ApiResult } from '../../support/api-client.js';
import { MAINTENANCE_TIMERS_OFF } from '../../support/timer-schedules.js';
import { aGroupWithFlow, anEnvironment, type E2eGroup } from '../../e2e/e2e-world.js';

/**
 * PRODUCT.md "Quotas", on a local cloud of this file's own with small limits (the shared cloud keeps the defaults):
 * MAX_QUEUED_RUNS_PER_GROUP (429 QueueFull) and RATE_LIMIT_PER_MINUTE per caller and environment (429
 * TooManyRequests). Every 429 is problem+json with a Retry-After; no quota ever turns into a 5xx. Groups are in
 * maintenance, so no bot takes a run off a queue while a test counts it.
 */
const MAX_QUEUED = 5;
const PER_MINUTE = 30;

let cloud: LocalCloud;
let callers = 0;

beforeAll(async () => {
  cloud = await startLocalCloud({
    port: 0,
    settings: {
      MAX_QUEUED_RUNS_PER_GROUP: String(MAX_QUEUED),
      RATE_LIMIT_PER_MINUTE: String(PER_MINUTE),
      CONTROLLER_INTERVAL_SECONDS: '3600',
      ...MAINTENANCE_TIMERS_OFF,
    },
  });
});

afterAll(async () => {
  await cloud?.stop();
});

/** A fresh caller (each has its own windows), Platform.Admin so that it can create its environment. */
async function aCaller(): Promise<ApiClient> {
  const userId = `quota-${++callers}`;
  return new ApiClient(cloud.baseUrl, await mintToken(cloud.issuer, { userId, platformAdmin: true }), userId);
}

/** A group whose runs stay queued: in maintenance, so that no bot is created for it nor takes its runs. */
async function aQueue(admin: ApiClient): Promise<E2eGroup> {
  const g = await aGroupWithFlow(admin, await anEnvironment(admin, 1), 'Quota', 1, [{ wait: { ms: 1 } }]);
  const paused = await admin.patch(`environments/${g.envId}/groups/${g.groupId}`, { maintenance: true });
  if (paused.status !== 200) throw new Error(`maintenance: ${paused.status} ${paused.text}`);
  return g;
}

const submitTo = (admin: ApiClient, g: E2eGroup, n: number, headers: Record<string, string> = {}) =>
  admin.post<{ id: string; code?: string }>(`environments/${g.envId}/runs`, { connectionId: g.connectionId, desktopFlowId: g.flowId, inputs: { n } }, headers);

/** A 429 as PRODUCT.md has it: problem+json with the code, and a Retry-After of whole seconds, at least one. */
function expectQuotaAnswer(res: ApiResult<unknown>, code: 'QueueFull' | 'TooManyRequests', context = ''): number {
  expect(res.status, context).toBe(429);
  expect(res.headers.get('content-type'), context).toBe('application/problem+json');
  expect(res.body, context).toMatchObject({ status: 429, code, type: `urn:hosted-rpa:problem:${code}` });
  const retryAfter = res.headers.get('retry-after') ?? '';
  expect(retryAfter, `${context}: Retry-After`).toMatch(/^[1-9]\d*$/);
  return Number(retryAfter);
}

describe(`MAX_QUEUED_RUNS_PER_GROUP (${MAX_QUEUED} on this cloud)`, () => {
  it('refuses a submission beyond the limit with 429 QueueFull and Retry-After; replays still answer; a cancel makes room', async () => {
    const admin = await aCaller();
    const g = await aQueue(admin);
    const accepted: string[] = [];
    for (let n = 0; n < MAX_QUEUED; n++) {
      const res = await submitTo(admin, g, n, n === 0 ? { 'idempotency-key': 'first' } : {});
      expect(res.status, res.text).toBe(202);
      accepted.push(res.body.id);
    }
    const refused = await submitTo(admin, g, 99);
    expect(expectQuotaAnswer(refused, 'QueueFull')).toBe(60);
    // nothing was written for it: the queue still holds the five
    const queue = await admin.get<{ items: unknown[] }>(`environments/${g.envId}/groups/${g.groupId}/queue`);
    expect(queue.body.items).toHaveLength(MAX_QUEUED);
    // the same Idempotency-Key answers its first run: no new run, so no room needed
    const replay = await submitTo(admin, g, 0, { 'idempotency-key': 'first' });
    expect(replay.status).toBe(202);
    expect(replay.body.id).toBe(accepted[0]);

    expect((await admin.post(`environments/${g.envId}/runs/${accepted[1]}/cancel`)).status).toBe(200);
    expect((await submitTo(admin, g, 100)).status).toBe(202);
    expectQuotaAnswer(await submitTo(admin, g, 101), 'QueueFull');
  });

  it('holds under concurrent submissions: the overshoot is at most the submissions in flight, and every refusal is a QueueFull', async () => {
    const admin = await aCaller();
    const g = await aQueue(admin);
    const burst = 12;
    const answers = await Promise.all(Array.from({ length: burst }, (_, n) => submitTo(admin, g, n)));
    const statuses = answers.map((a) => a.status);
    expect(
      statuses.every((s) => s === 202 || s === 429),
      JSON.stringify(statuses),
    ).toBe(true);
    for (const res of answers.filter((a) => a.status === 429)) expectQuotaAnswer(res, 'QueueFull');
    const queued = statuses.filter((s) => s === 202).length;
    expect(queued).toBeGreaterThanOrEqual(MAX_QUEUED);
    expect(queued).toBeLessThanOrEqual(burst);
    console.log(`QueueFull under ${burst} concurrent submissions: ${queued} queued for a limit of ${MAX_QUEUED} (overshoot ${queued - MAX_QUEUED})`);
    // once the submissions have landed, the count is exact again
    expectQuotaAnswer(await submitTo(admin, g, 99), 'QueueFull');
  });
});

describe(`RATE_LIMIT_PER_MINUTE (${PER_MINUTE} on this cloud)`, () => {
  it('answers 429 TooManyRequests with Retry-After once a caller used up its minute in an environment; others are served', async () => {
    const admin = await aCaller();
    const envId = await anEnvironment(admin, 1);
    const other = await anEnvironment(admin, 1);
    const statuses: number[] = [];
    let throttled: ApiResult<unknown> | undefined;
    for (let i = 0; i < PER_MINUTE + 5 && !throttled; i++) {
      const res = await admin.get(`environments/${envId}`);
      statuses.push(res.status);
      if (res.status === 429) throttled = res;
    }
    expect(
      statuses.slice(0, PER_MINUTE).every((s) => s === 200),
      JSON.stringify(statuses),
    ).toBe(true);
    expect(throttled, JSON.stringify(statuses)).toBeDefined();
    const retryAfter = expectQuotaAnswer(throttled as ApiResult<unknown>, 'TooManyRequests');
    expect(retryAfter).toBeLessThanOrEqual(60);
    // still refused, on every route of the environment, whatever the method
    expectQuotaAnswer(await admin.get(`environments/${envId}/groups`), 'TooManyRequests');
    expectQuotaAnswer(await admin.post(`environments/${envId}/desktop-flows`, { name: 'x', definition: { steps: [] } }), 'TooManyRequests');

    // per environment, per caller: the same caller elsewhere, and another member here, are served
    expect((await admin.get(`environments/${other}`)).status).toBe(200);
    const colleague = await aCaller();
    expect([200, 201]).toContain((await admin.put(`environments/${other}/members/${colleague.userId}`, { roles: ['BasicUser'] })).status);
    expect((await colleague.get(`environments/${other}`)).status).toBe(200);
    // anonymous routes have no caller to count
    for (let i = 0; i < PER_MINUTE + 5; i++) expect((await admin.get('health')).status).toBe(200);
  });

  it('throttles environment creation per caller too (the routes without an environment share one window per caller)', async () => {
    const admin = await aCaller();
    const statuses: number[] = [];
    for (let i = 0; i < PER_MINUTE + 1; i++) {
      const res = await admin.post('environments', { name: `Burst ${i}`, geography: 'US', plan: 'trial', capacity: 1 });
      statuses.push(res.status);
      if (res.status === 429) {
        expectQuotaAnswer(res, 'TooManyRequests');
        break;
      }
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(PER_MINUTE);
    expect(statuses.at(-1)).toBe(429);
  });

  it('hostile requests from one caller on every route: only 2xx, 4xx and 429s with Retry-After, never a 5xx', async () => {
    const admin = await aCaller();
    const g = await aQueue(admin);
    const statuses = new Map<number, number>();
    const targets = apiRoutes.filter((r) => r.auth === 'user').map((r) => ({ method: r.method, route: r.route }));
    const segment = fc.oneof(fc.uuid(), fc.constantFrom('%2e%2e', "' OR '1'='1", '%00', 'a'.repeat(300), g.groupId, g.flowId, g.connectionId));
    const body = fc.oneof(
      fc.constant(undefined),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.constant(JSON.stringify({ connectionId: g.connectionId, desktopFlowId: g.flowId, inputs: {} })),
    );
    await fc.assert(
      fc.asyncProperty(fc.record({ target: fc.constantFrom(...targets), segment, body }), async ({ target, segment: s, body: b }) => {
        const path = target.route.replace('{env}', g.envId).replace(/\{[^}]+\}/g, s);
        const res = await admin.request(target.method, path, target.method === 'GET' ? undefined : b);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const context = `${target.method} /api/${path} → ${res.status} ${res.text.slice(0, 300)}`;
        expect(res.status, context).toBeLessThan(500);
        if (res.status >= 400) expect(res.headers.get('content-type'), context).toBe('application/problem+json');
        if (res.status === 429) expect(res.headers.get('retry-after'), context).toMatch(/^[1-9]\d*$/);
      }),
      { numRuns: 4 * PER_MINUTE, endOnFailure: true },
    );
    console.log(`hostile requests under quotas: statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);
    expect(statuses.get(429) ?? 0).toBeGreaterThan(0);
  });
});
