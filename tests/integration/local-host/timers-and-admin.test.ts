import { app, type InvocationContext, type Timer } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminRoutes } from '../../../local/host/admin-routes.js';
import { FunctionInvoker } from '../../../local/host/function-invoker.js';
import { FunctionRegistry } from '../../../local/host/function-registry.js';
import { installFunctionsCoreStandIn } from '../../../local/host/functions-core-standin.js';
import { HttpHost } from '../../../local/host/http-server.js';
import { TimerScheduler } from '../../../local/host/timer-scheduler.js';

// The real @azure/functions library registers through the stand-in; nothing here is mocked.
const registry = new FunctionRegistry();
installFunctionsCoreStandIn(registry, () => undefined);
const invoker = new FunctionInvoker(registry, () => undefined);

const ticks: Timer[] = [];
const queueItems: unknown[] = [];
let failNext = false;
app.timer('everySecond', {
  schedule: '%TEST_TIMER_SCHEDULE%',
  handler: async (timer: Timer) => {
    ticks.push(timer);
  },
});
app.storageQueue('onQueueItem', {
  queueName: 'items',
  connection: 'AzureWebJobsStorage',
  handler: async (item: unknown, context: InvocationContext) => {
    if (failNext) {
      failNext = false;
      throw new Error('queue handler failed on purpose');
    }
    queueItems.push({ item, functionName: context.functionName });
  },
});
app.http('echo', {
  route: 'echo/{id:int}',
  methods: ['POST'],
  handler: async (request, context) => ({
    status: 201,
    headers: { 'x-invocation': context.invocationId },
    jsonBody: { id: request.params.id, q: request.query.get('q'), body: await request.json() },
  }),
});
// Two functions whose routes overlap: the catch-all's name sorts first, so it answers both paths, as in Azure.
app.http('aCatchAll', { route: 'shadow/{*rest}', methods: ['GET'], handler: async () => ({ status: 200, body: 'catch-all' }) });
app.http('shadowed', { route: 'shadow/exact', methods: ['GET'], handler: async () => ({ status: 200, body: 'exact' }) });
app.http('sleeper', {
  route: 'sleep',
  methods: ['GET'],
  handler: async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { status: 200 };
  },
});

const scheduler = new TimerScheduler(registry, invoker, { TEST_TIMER_SCHEDULE: '*/1 * * * * *' }, () => undefined);
const http = new HttpHost(registry, invoker, { host: '127.0.0.1', port: 0, routePrefix: 'api', maxRequestBodyBytes: 1024, log: () => undefined });
let base = '';

beforeAll(async () => {
  http.mapHttpFunctions();
  http.addHostRoute(
    '/admin/functions',
    adminRoutes(registry, invoker, () => undefined),
  );
  base = `http://127.0.0.1:${await http.listen()}`;
});

afterAll(async () => {
  await scheduler.stop();
  await http.close();
});

describe('local host', () => {
  it('refuses to install the stand-in twice', () => {
    expect(() => installFunctionsCoreStandIn(new FunctionRegistry(), () => undefined)).toThrow(/already installed/);
  });

  it('fires a timer on its six-field NCRONTAB schedule, resolved from an app setting', async () => {
    await scheduler.start();
    await new Promise((resolve) => setTimeout(resolve, 2_600));
    await scheduler.stop();
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    expect(ticks[0]?.isPastDue).toBe(false);
    expect(ticks[0]?.scheduleStatus?.next).toMatch(/^\d{4}-/);
  });

  it('runs a non-HTTP function through the admin route, and reports its failure with ?wait=true', async () => {
    const ok = await fetch(`${base}/admin/functions/onQueueItem?wait=true`, { method: 'POST', body: JSON.stringify({ input: '{"n":1}' }) });
    expect(ok.status).toBe(200);
    expect(queueItems).toEqual([{ item: { n: 1 }, functionName: 'onQueueItem' }]);
    failNext = true;
    const failed = await fetch(`${base}/admin/functions/onQueueItem?wait=true`, { method: 'POST', body: JSON.stringify({ input: 'x' }) });
    expect(failed.status).toBe(500);
    const unknown = await fetch(`${base}/admin/functions/nope`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
    const list = (await (await fetch(`${base}/admin/functions`)).json()) as Array<{ name: string }>;
    expect(list.map((f) => f.name).sort()).toEqual(['aCatchAll', 'echo', 'everySecond', 'onQueueItem', 'shadowed', 'sleeper']);
  });

  it('serves HTTP functions with route params, query, body and the status and headers they return', async () => {
    const res = await fetch(`${base}/api/echo/7?q=hello`, { method: 'POST', body: JSON.stringify({ a: 1 }), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-invocation')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.json()).toEqual({ id: '7', q: 'hello', body: { a: 1 } });
  });

  it("fails an invocation that outlives host.json functionTimeout, with the host's message", async () => {
    const strict = new FunctionInvoker(registry, () => undefined, { functionTimeoutMs: 50 });
    const request = { trigger: { http: { method: 'GET', url: 'http://127.0.0.1/api/sleep', headers: {}, query: {}, params: {} } } };
    await expect(strict.invoke('sleeper', request)).rejects.toThrow('Timeout value of 00:00:00 was exceeded by function: Functions.sleeper');
    await expect(invoker.invoke('sleeper', request)).resolves.toBeDefined();
  });

  it("applies Kestrel's limits: a request line over 8 KB answers 414, headers over 32 KB 431", async () => {
    expect((await fetch(`${base}/api/echo/7?q=${'a'.repeat(9_000)}`, { method: 'POST', body: '{}' })).status).toBe(414);
    expect((await fetch(`${base}/api/echo/7`, { method: 'POST', body: '{}', headers: { 'x-big': 'b'.repeat(40_000) } })).status).toBe(431);
    expect((await fetch(`${base}/api/echo/7?q=${'a'.repeat(7_000)}`, { method: 'POST', body: '{}' })).status).toBe(201);
  });

  it('matches routes in function-name order, first match wins: a catch-all that sorts first shadows a literal route', async () => {
    expect(await (await fetch(`${base}/api/shadow/exact`)).text()).toBe('catch-all');
    expect(await (await fetch(`${base}/api/shadow/other`)).text()).toBe('catch-all');
  });

  it('answers 404 for a known route with another method (a route constraint, as in Azure), 404 for an unknown one, 413 past the body limit', async () => {
    expect((await fetch(`${base}/api/echo/7`)).status).toBe(404);
    expect((await fetch(`${base}/api/echo/not-an-int`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${base}/api/echo/7`, { method: 'POST', body: 'x'.repeat(2048) })).status).toBe(413);
  });
});
