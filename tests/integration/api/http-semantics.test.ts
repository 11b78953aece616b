import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../../api/routes/index.js';
import { anonymousClient, clientFor, type ApiClient } from '../../support/api-client.js';
import { aDesktopFlow } from '../../support/connection-fixtures.js';
import { createGroup, groupEnvironment, groupPath, readGroup, type GroupBody } from '../../support/group-fixtures.js';

/** Issue #17: entity tags as HTTP has them, query strings refused when unknown, continuation tokens that only open their own list. */

let admin: ApiClient;
let envId: string;
let imageId: string;

beforeAll(async () => {
  ({ admin, envId, imageId } = await groupEnvironment({ capacity: 10 }));
});

describe('ETag and If-Match', () => {
  it('sends the ETag header as a quoted entity tag, and keeps the etag field of the body bare', async () => {
    const created = await admin.post<GroupBody>(`environments/${envId}/groups`, {
      name: `Tags ${randomUUID().slice(0, 6)}`,
      maxBots: 1,
      committedBots: 0,
      imageId,
      account: { username: 'rpa-runner', password: 'Hosted-Rpa-Gr0up!' },
    });
    expect(created.status).toBe(201);
    expect(created.body.etag).not.toMatch(/"/);
    expect(created.headers.get('etag')).toBe(`"${created.body.etag}"`);
    for (const path of [`environments/${envId}`, `environments/${envId}/images/${imageId}`, groupPath(envId, created.body.id)]) {
      const read = await admin.get<{ etag: string }>(path);
      expect(read.headers.get('etag'), path).toBe(`"${read.body.etag}"`);
    }
  });

  it('honours If-Match with the ETag header as sent, the bare etag and *, and refuses a weak tag of the same value (strong comparison)', async () => {
    const group = await createGroup(admin, envId, imageId, { maxBots: 1 });
    const path = groupPath(envId, group.id);
    const quoted = await admin.patch<GroupBody>(path, { description: 'quoted' }, { 'if-match': `"${group.etag}"` });
    expect(quoted.status).toBe(200);
    const bare = await admin.patch<GroupBody>(path, { description: 'bare' }, { 'if-match': quoted.body.etag });
    expect(bare.status).toBe(200);
    const listed = await admin.patch<GroupBody>(path, { description: 'listed' }, { 'if-match': `"stale", ${String(bare.headers.get('etag'))}` });
    expect(listed.status).toBe(200);
    const weak = await admin.patch(path, { description: 'weak' }, { 'if-match': `W/"${listed.body.etag}"` });
    expect(weak.status).toBe(412);
    const stale = await admin.patch(path, { description: 'stale' }, { 'if-match': `"${group.etag}"` });
    expect(stale.status).toBe(412);
    const any = await admin.patch<GroupBody>(path, { description: 'any' }, { 'if-match': '*' });
    expect(any.status).toBe(200);
    expect((await readGroup(admin, envId, group.id)).description).toBe('any');
  });

  it('takes the quoted entity tag on every conditional write: environments, images, access lists, desktop flows, deletes', async () => {
    const quoted = (etag: string) => `"${etag}"`;
    const env = await admin.get<{ etag: string }>(`environments/${envId}`);
    expect((await admin.patch(`environments/${envId}`, { capacity: 11 }, { 'if-match': quoted(env.body.etag) })).status).toBe(200);
    expect((await admin.patch(`environments/${envId}`, { capacity: 10 }, { 'if-match': quoted(env.body.etag) })).status).toBe(412);

    const image = await admin.get<{ etag: string }>(`environments/${envId}/images/${imageId}`);
    expect((await admin.put(`environments/${envId}/images/${imageId}/access`, [], { 'if-match': quoted(image.body.etag) })).status).toBe(200);

    const flow = await admin.post<{ id: string; etag: string }>(`environments/${envId}/desktop-flows`, aDesktopFlow());
    expect(flow.status).toBe(201);
    const flowPath = `environments/${envId}/desktop-flows/${flow.body.id}`;
    expect((await admin.put(flowPath, aDesktopFlow({ name: 'Renamed' }), { 'if-match': quoted(flow.body.etag) })).status).toBe(200);
    expect((await admin.delete(flowPath, { 'if-match': quoted(flow.body.etag) })).status).toBe(412);
    const current = await admin.get(flowPath);
    expect((await admin.delete(flowPath, { 'if-match': String(current.headers.get('etag')) })).status).toBe(204);
  });

  it('answers 412 to If-Match: * for a member that does not exist yet (* matches an existing resource only)', async () => {
    const newcomer = await clientFor();
    const put = await admin.put(`environments/${envId}/members/${newcomer.userId}`, { roles: ['BasicUser'] }, { 'if-match': '*' });
    expect(put.status).toBe(412);
    expect((await admin.put(`environments/${envId}/members/${newcomer.userId}`, { roles: ['BasicUser'] })).status).toBe(201);
    expect((await admin.put(`environments/${envId}/members/${newcomer.userId}`, { roles: ['EnvironmentMaker'] }, { 'if-match': '*' })).status).toBe(200);
  });
});

describe('query parameters', () => {
  const userRoutes = apiRoutes.filter((r) => r.auth === 'user');

  it('refuses a parameter a route does not declare with 400 naming it, on every user route', async () => {
    expect(userRoutes.length).toBeGreaterThan(40);
    const groupId = (await createGroup(admin, envId, imageId, { maxBots: 1 })).id;
    for (const route of userRoutes) {
      const path = route.route
        .replace('{env}', envId)
        .replace('{id}', route.route.includes('/groups/{id}') ? groupId : randomUUID())
        .replace(/\{[^}]+\}/g, 'someone');
      const res = await admin.request<{ code: string; errors: Array<{ field: string; message: string }> }>(
        route.method,
        `${path}?colour=blue`,
        route.body ? {} : undefined,
      );
      const what = `${route.method} ${route.route}`;
      expect(res.status, what).toBe(400);
      expect(res.headers.get('content-type'), what).toBe('application/problem+json');
      expect(res.body.errors, what).toEqual([
        { field: 'colour', message: expect.stringContaining(Object.keys(route.query ?? {}).join(', ') || 'takes no query parameters') },
      ]);
    }
  });

  it('refuses a misspelt paging parameter and a declared one given twice, rather than ignoring them', async () => {
    const flows = `environments/${envId}/desktop-flows`;
    const misspelt = await admin.get<{ errors: Array<{ field: string }> }>(`${flows}?pagesize=1`);
    expect([misspelt.status, misspelt.body.errors.map((e) => e.field)]).toEqual([400, ['pagesize']]);
    const twice = await admin.get<{ errors: Array<{ field: string }> }>(`${flows}?pageSize=1&pageSize=2`);
    expect([twice.status, twice.body.errors.map((e) => e.field)]).toEqual([400, ['pageSize']]);
    expect((await admin.get(`${flows}?pageSize=1`)).status).toBe(200);
  });

  it('refuses query parameters on the anonymous routes too', async () => {
    const anonymous = anonymousClient();
    for (const path of ['health', 'openapi.json', 'swagger.json']) {
      expect((await anonymous.get(`${path}?x=1`)).status, path).toBe(400);
      expect((await anonymous.get(path)).status, path).toBe(200);
    }
  });

  it('still answers 401 before looking at the query of an unauthenticated request', async () => {
    expect((await anonymousClient().get(`environments/${envId}?colour=blue`)).status).toBe(401);
  });
});

describe('continuation tokens', () => {
  it('pages with the token a list handed out, and refuses garbage, edited tokens and tokens of another list with 400 InvalidContinuationToken', async () => {
    const flows = `environments/${envId}/desktop-flows`;
    for (let i = 0; i < 3; i++) expect((await admin.post(flows, aDesktopFlow({ name: `Paged ${i}` }))).status).toBe(201);
    const first = await admin.get<{ items: unknown[]; continuationToken: string }>(`${flows}?pageSize=1`);
    expect(first.body.continuationToken).toEqual(expect.any(String));
    const token = first.body.continuationToken;
    expect((await admin.get(`${flows}?pageSize=1&continuationToken=${encodeURIComponent(token)}`)).status).toBe(200);

    const group = await createGroup(admin, envId, imageId, { maxBots: 1 });
    const refused = [
      [flows, 'garbage'],
      [flows, token.slice(0, -2)],
      [flows, `A${token.slice(1)}`],
      [flows, 'eyJ0b2tlbiI6IisxIn0'],
      [`environments/${envId}/maintenance`, token],
      [`${groupPath(envId, group.id)}/scaling`, token],
      [`${groupPath(envId, group.id)}/queue`, token],
      [`${groupPath(envId, group.id)}/runs`, token],
    ];
    for (const [path, bad] of refused) {
      const res = await admin.get<{ code: string; errors: Array<{ field: string }> }>(`${path}?continuationToken=${encodeURIComponent(String(bad))}`);
      expect([res.status, res.body.code, res.body.errors[0]?.field], `${path} ${bad}`).toEqual([400, 'InvalidContinuationToken', 'continuationToken']);
    }
    // a token is bound to its list: the same route of another environment does not take it
    const other = await groupEnvironment();
    for (let i = 0; i < 2; i++) expect((await other.admin.post(`environments/${other.envId}/desktop-flows`, aDesktopFlow())).status).toBe(201);
    const moved = await other.admin.get(`environments/${other.envId}/desktop-flows?pageSize=1&continuationToken=${encodeURIComponent(token)}`);
    expect(moved.status).toBe(400);
  });
});
