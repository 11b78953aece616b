import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { apiRoutes } from '../../../api/routes/index.js';
import { metaRouteDocs } from '../../../api/routes/meta.js';
import { CONSOLE_FUNCTION } from '../../../api/console/console-assets.js';
import { NO_ROUTE_FUNCTION } from '../../../api/http/not-found.js';
import { anonymousClient, localCloud } from '../../support/api-client.js';

type OpenApi = { paths: Record<string, Record<string, { operationId: string; security?: unknown[] }>>; servers: Array<{ url: string }> };

describe('the API describes itself', () => {
  it('serves a valid OpenAPI 3.1 document anonymously, covering every route of the table', async () => {
    const res = await anonymousClient().get<OpenApi>('openapi.json');
    expect(res.status).toBe(200);
    const validator = new Validator();
    const result = await validator.validate(res.body as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(res.body.servers[0]?.url).toBe(`${localCloud().baseUrl}/api`);
    const operationIds = Object.values(res.body.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    const expected = [...metaRouteDocs, ...apiRoutes].map((r) => r.name);
    expect(operationIds.sort()).toEqual(expected.sort());
  });

  it('documents every HTTP function the host serves (nothing served is undocumented)', async () => {
    const res = await fetch(`${localCloud().baseUrl}/admin/functions`);
    const functions = (await res.json()) as Array<{ name: string; trigger: string }>;
    const documented = new Set([...metaRouteDocs, ...apiRoutes].map((r) => r.name));
    const httpFunctions = functions.filter((f) => f.trigger.toLowerCase() === 'httptrigger').map((f) => f.name);
    expect(httpFunctions.filter((name) => !documented.has(name) && name !== NO_ROUTE_FUNCTION && name !== CONSOLE_FUNCTION)).toEqual([]);
  });

  it('serves a valid Swagger 2.0 version for custom connectors', async () => {
    const res = await anonymousClient().get('swagger.json');
    expect(res.status).toBe(200);
    const validator = new Validator();
    const result = await validator.validate(res.body as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(validator.version).toBe('2.0');
    expect(res.body).toMatchObject({ swagger: '2.0', basePath: '/api' });
  });

  it('answers unknown routes with a problem+json 404', async () => {
    const res = await anonymousClient().get('no/such/route');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body).toMatchObject({ status: 404, code: 'NotFound' });
  });

  it('answers a known path with a method it lacks with a problem+json 405 and Allow', async () => {
    const res = await fetch(`${localCloud().baseUrl}/api/environments/00000000-0000-0000-0000-000000000001`, { method: 'PUT' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, PATCH');
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 405, code: 'MethodNotAllowed' });
  });

  it("reaches every route under the host's name-order matching (POST .../runs is not taken by the catch-all)", async () => {
    const res = await fetch(`${localCloud().baseUrl}/api/environments/00000000-0000-0000-0000-000000000001/runs`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'Unauthenticated' });
  });
});
