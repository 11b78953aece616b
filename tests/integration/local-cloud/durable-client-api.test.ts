import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DurableTestHost, field } from './durable-host.js';

// The Durable HTTP API as the real DurableClient uses it, and as its check-status links expose it.
let host: DurableTestHost;
const WEBHOOKS = '/runtime/webhooks/durabletask';

beforeAll(async () => {
  host = await DurableTestHost.start('clientapi');
});

afterAll(async () => {
  await host?.close();
});

const json = { 'content-type': 'application/json' };

describe('the Durable HTTP API of the local host', () => {
  it('refuses instance ids the extension refuses (leading @, control characters, over 256 characters) with 400', async () => {
    for (const id of ['@entity-like', 'a%01b', 'x'.repeat(257)]) {
      const res = await host.fetch(`${WEBHOOKS}/orchestrators/WaitForEvent/${id}`, { method: 'POST' });
      expect(res.status, id).toBe(400);
    }
    expect((await host.fetch(`${WEBHOOKS}/orchestrators/WaitForEvent/${'y'.repeat(256)}`, { method: 'POST' })).status).toBe(202);
  });

  it('starts under an explicit instance id, refuses a duplicate, and serves working check-status links', async () => {
    const started = await host.start('WaitForEvent', undefined, 'explicit-1');
    expect(started.status).toBe(202);
    const links = started.body;
    expect(links.id).toBe('explicit-1');
    expect(links.statusQueryGetUri).toMatch(new RegExp(`^${host.baseUrl}${WEBHOOKS}/instances/explicit-1\\?`));

    const duplicate = await host.fetch(`${WEBHOOKS}/orchestrators/WaitForEvent/explicit-1`, { method: 'POST' });
    // as the extension answers (500 with its message, not 409)
    expect(duplicate.status).toBe(500);
    expect(await duplicate.json()).toMatchObject({ Message: 'An Orchestration instance with the status Running already exists.' });

    await host.waitFor('explicit-1', (s) => s.runtimeStatus === 'Running');
    const running = await fetch(links.statusQueryGetUri ?? '');
    expect(running.status).toBe(202);
    expect(running.headers.get('location')).toContain('/instances/explicit-1');
    expect(await running.json()).toMatchObject({ instanceId: 'explicit-1', runtimeStatus: 'Running', name: 'WaitForEvent' });

    const raised = await fetch((links.sendEventPostUri ?? '').replace('{eventName}', 'Resume'), {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ via: 'webhook' }),
    });
    expect(raised.status).toBe(202);
    await host.waitForFinish('explicit-1');
    const done = await fetch(links.statusQueryGetUri ?? '');
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ runtimeStatus: 'Completed', output: { resumed: { via: 'webhook' } } });

    const late = await fetch((links.sendEventPostUri ?? '').replace('{eventName}', 'Resume'), { method: 'POST', headers: json, body: '{}' });
    expect(late.status).toBe(410);
    expect((await host.fetch(`${WEBHOOKS}/instances/explicit-1/rewind?reason=x`, { method: 'POST' })).status).toBe(501);

    expect(await host.fetch('/api/instances/explicit-1', { method: 'DELETE' }).then((r) => r.json())).toEqual({ instancesDeleted: 1 });
    expect(await host.status('explicit-1')).toBeUndefined();
    expect((await host.fetch(`${WEBHOOKS}/instances/explicit-1`, { method: 'DELETE' })).status).toBe(404);
  });

  it('refuses unknown orchestrators and invalid JSON', async () => {
    expect((await host.fetch(`${WEBHOOKS}/orchestrators/NoSuchOrchestrator`, { method: 'POST' })).status).toBe(400);
    expect((await host.fetch(`${WEBHOOKS}/orchestrators/Trivial`, { method: 'POST', headers: json, body: '{not json' })).status).toBe(400);
    expect((await host.fetch(`${WEBHOOKS}/instances/no-such-instance`)).status).toBe(404);
  });

  it('terminates, suspends and resumes instances', async () => {
    const terminated = await host.startId('WaitForEvent');
    await host.waitFor(terminated, (s) => s.runtimeStatus === 'Running');
    expect((await host.fetch(`/api/instances/${terminated}/terminate?reason=enough`, { method: 'POST' })).status).toBe(202);
    expect(await host.waitForFinish(terminated)).toMatchObject({ runtimeStatus: 'Terminated', output: 'enough' });
    expect((await host.fetch(`${WEBHOOKS}/instances/${terminated}/terminate`, { method: 'POST' })).status).toBe(410);

    const started = await host.start('WaitForEvent');
    const id = started.body.id ?? '';
    await host.waitFor(id, (s) => s.runtimeStatus === 'Running');
    expect((await fetch((started.body.suspendPostUri ?? '').replace('{text}', 'pause'), { method: 'POST' })).status).toBe(202);
    await host.waitFor(id, (s) => s.runtimeStatus === 'Suspended');
    expect(await host.raise(id, 'Resume', 'while suspended')).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await host.status(id))?.runtimeStatus).toBe('Suspended');
    expect((await fetch((started.body.resumePostUri ?? '').replace('{text}', 'go on'), { method: 'POST' })).status).toBe(202);
    expect(await host.waitForFinish(id)).toMatchObject({ runtimeStatus: 'Completed', output: { resumed: 'while suspended' } });
  });

  it('lists instances by status and creation time, page by page, and purges by filter', async () => {
    const since = new Date(Date.now() - 1_000).toISOString();
    const ids = await Promise.all([1, 2, 3, 4, 5].map((i) => host.startId('Trivial', { i })));
    for (const id of ids) await host.waitForFinish(id);
    const waiting = await host.startId('WaitForEvent');
    await host.waitFor(waiting, (s) => s.runtimeStatus === 'Running');

    const listed: unknown = await host.fetch(`/api/instances?runtimeStatus=Completed&createdTimeFrom=${encodeURIComponent(since)}`).then((r) => r.json());
    const listedIds = Array.isArray(listed) ? listed.map((s) => field(s, 'instanceId')) : [];
    expect(listedIds).toEqual(expect.arrayContaining(ids));
    expect(listedIds).not.toContain(waiting);

    const paged: unknown[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const res: Response = await host.fetch(`${WEBHOOKS}/instances/?top=2&runtimeStatus=Completed&createdTimeFrom=${encodeURIComponent(since)}`, {
        headers: token ? { 'x-ms-continuation-token': token } : {},
      });
      const page: unknown = await res.json();
      if (Array.isArray(page)) paged.push(...page);
      token = res.headers.get('x-ms-continuation-token');
      pages++;
    } while (token && pages < 10);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(paged.map((s) => field(s, 'instanceId'))).toEqual(expect.arrayContaining(ids));

    const purged = await host.fetch(`${WEBHOOKS}/instances/?createdTimeFrom=${encodeURIComponent(since)}&runtimeStatus=Completed`, { method: 'DELETE' });
    expect(purged.status).toBe(200);
    expect(field(await purged.json(), 'instancesDeleted')).toBeGreaterThanOrEqual(5);
    expect(await host.status(ids[0] ?? '')).toBeUndefined();
    expect((await host.status(waiting))?.runtimeStatus).toBe('Running');
  });

  it('waits for completion through waitForCompletionOrCreateCheckStatusResponse', async () => {
    const res = await host.fetch('/api/orchestrators-wait/Trivial', { method: 'POST', body: JSON.stringify({ waited: true }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ input: { waited: true } });
  });

  it('shows history on request, and carries payloads larger than a table property', async () => {
    const withHistory = await host.waitForFinish(await host.startId('OneActivity'), 10_000, true);
    const types = (withHistory.history ?? []).map((e) => `${String(e.EventType)}${e.FunctionName ? `:${String(e.FunctionName)}` : ''}`);
    expect(types).toEqual(['ExecutionStarted:OneActivity', 'TaskCompleted:Hello', 'ExecutionCompleted']);
    expect(withHistory.history?.[1]).toMatchObject({ Result: 'Hello round trip' });

    const big = 'x'.repeat(200_000);
    const done = await host.waitForFinish(await host.startId('Trivial', { big }));
    expect(done.runtimeStatus).toBe('Completed');
    expect(field(field(done.output, 'input'), 'big')).toBe(big);
  });
});
