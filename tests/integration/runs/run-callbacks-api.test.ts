import { beforeAll, describe, expect, it } from 'vitest';
import { clientFor, type ApiClient } from '../../support/api-client.js';
import { addMember, createEnvironment } from '../../support/fixtures.js';
import { createRunWorld, readRun, runPath, runsPath, aRun, submit, type Problem, type RunWorld } from '../../support/run-fixtures.js';
import { storedSecret } from '../../support/connection-fixtures.js';
import { webhookSecretName } from '../../../app/callbacks/webhook-secret.js';

// Run callbacks' API (PRODUCT.md, turn 2): callbackUrl validation, the webhook secret, DELETE .../callback.
// The local cloud allows http and loopback receivers (ALLOW_*_CALLBACKS=true); the address rules are unit-tested.

interface Callback {
  target: string;
  state: string;
  attempts: number;
  lastStatus: number | null;
  lastAttemptAt: string | null;
}

let admin: ApiClient;
let w: RunWorld;

beforeAll(async () => {
  admin = await clientFor({ platformAdmin: true });
  w = await createRunWorld(admin);
});

const secretPath = (envId: string) => `environments/${envId}/webhook-secret`;
// a receiver that never answers: these runs stay queued (capacity 0), so nothing is delivered
const RECEIVER = 'http://127.0.0.1:9/hooks/run-ended?sig=query-secret';

describe('callbackUrl on submit', () => {
  it.each([
    ['not absolute', '/hooks/run-ended'],
    ['not a URL', 'call me back'],
    ['another scheme', 'ftp://example.com/hook'],
    ['longer than 2,048 characters', `https://example.com/${'a'.repeat(2050)}`],
    ['user info', 'https://user:pw@example.com/hook'],
    ['a host that does not resolve', 'https://no-such-host.invalid/hook'],
    ['not a string', 42],
  ])('refuses %s: 400 problem+json naming callbackUrl', async (_case, callbackUrl) => {
    const res = await admin.post<Problem>(runsPath(w.envId), aRun(w, { callbackUrl }));
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors?.map((e) => e.field)).toContain('callbackUrl');
  });

  it('keeps the callback Pending on the run and shows only its origin and path', async () => {
    const run = await submit(w, { callbackUrl: RECEIVER });
    const read = await readRun(w, run.id);
    const callback = (read.body as unknown as { callback: Callback }).callback;
    expect(callback).toEqual({ target: 'http://127.0.0.1:9/hooks/run-ended', state: 'Pending', attempts: 0, lastStatus: null, lastAttemptAt: null });
    expect(read.text).not.toContain('query-secret');
    const listed = await admin.get<{ items: Array<{ id: string; callback?: Callback }> }>(`${runsPath(w.envId)}?pageSize=50`);
    expect(listed.body.items.find((r) => r.id === run.id)?.callback?.state).toBe('Pending');
    expect(listed.text).not.toContain('query-secret');
    // a run without callbackUrl has none
    expect((await readRun(w, (await submit(w)).id)).body).not.toHaveProperty('callback');
  });
});

describe('GET/POST .../webhook-secret', () => {
  it('shows the secret to SystemAdministrators only, creates it once, keeps it in the secret store, and rotates it', async () => {
    const member = await clientFor();
    await addMember(admin, w.envId, member, ['BasicUser']);
    expect((await member.get(secretPath(w.envId))).status).toBe(403);
    expect((await member.post(secretPath(w.envId))).status).toBe(403);
    const outsider = await clientFor();
    expect((await outsider.get(secretPath(w.envId))).status).toBe(404);

    const first = await admin.get<{ secret: string }>(secretPath(w.envId));
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(first.body.secret.length).toBeGreaterThanOrEqual(32);
    expect((await admin.get<{ secret: string }>(secretPath(w.envId))).body.secret).toBe(first.body.secret);
    expect(await storedSecret(webhookSecretName(w.envId))).toBe(first.body.secret);

    const rotated = await admin.post<{ secret: string }>(secretPath(w.envId));
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(first.body.secret);
    expect((await admin.get<{ secret: string }>(secretPath(w.envId))).body.secret).toBe(rotated.body.secret);
  });

  it("is per environment: another environment's admin cannot read it", async () => {
    const otherAdmin = await clientFor({ platformAdmin: true });
    const other = await createEnvironment(otherAdmin);
    expect((await otherAdmin.get(secretPath(w.envId))).status).toBe(404);
    const mine = await admin.get<{ secret: string }>(secretPath(w.envId));
    const theirs = await otherAdmin.get<{ secret: string }>(secretPath(other.id));
    expect(theirs.status).toBe(200);
    expect(theirs.body.secret).not.toBe(mine.body.secret);
  });
});

describe('POST .../runs/{id}/callback (subscribe; the connector trigger)', () => {
  it('sets a Pending callback and answers 201 with the Location that DELETE unsubscribes; validates callbackUrl', async () => {
    const run = await submit(w);
    const bad = await admin.post<Problem>(`${runPath(w.envId, run.id)}/callback`, { callbackUrl: 'ftp://example.com/x' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.map((e) => e.field)).toContain('callbackUrl');
    const res = await admin.post<Callback>(`${runPath(w.envId, run.id)}/callback`, { callbackUrl: RECEIVER });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toMatch(new RegExp(`/api/${runPath(w.envId, run.id)}/callback$`));
    expect(res.body).toMatchObject({ state: 'Pending', attempts: 0, target: 'http://127.0.0.1:9/hooks/run-ended' });
    expect(res.text).not.toContain('query-secret');
    expect((await admin.delete(`${runPath(w.envId, run.id)}/callback`)).status).toBe(204);
    const stranger = await clientFor();
    expect((await stranger.post(`${runPath(w.envId, run.id)}/callback`, { callbackUrl: RECEIVER })).status).toBe(404);
  });
});

describe('DELETE .../runs/{id}/callback', () => {
  it('unsubscribes (204, again 204); 404 for a run without callback, another environment, or a stranger', async () => {
    const run = await submit(w, { callbackUrl: RECEIVER });
    const stranger = await clientFor();
    expect((await stranger.delete(`${runPath(w.envId, run.id)}/callback`)).status).toBe(404);
    const otherWorld = await createRunWorld(admin);
    expect((await admin.delete(`${runPath(otherWorld.envId, run.id)}/callback`)).status).toBe(404);

    expect((await admin.delete(`${runPath(w.envId, run.id)}/callback`)).status).toBe(204);
    expect(((await readRun(w, run.id)).body as unknown as { callback: Callback }).callback.state).toBe('Unsubscribed');
    expect((await admin.delete(`${runPath(w.envId, run.id)}/callback`)).status).toBe(204);

    const plain = await submit(w);
    const none = await admin.delete<Problem>(`${runPath(w.envId, plain.id)}/callback`);
    expect(none.status).toBe(404);
    // cancelling the run afterwards delivers nothing: the callback stays Unsubscribed
    expect((await admin.post(`${runPath(w.envId, run.id)}/cancel`)).status).toBe(200);
    const after = ((await readRun(w, run.id)).body as unknown as { callback: Callback }).callback;
    expect(after).toMatchObject({ state: 'Unsubscribed', attempts: 0 });
  });
});
