import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectorApiDefinition, connectorFiles } from '../../../api/openapi/connector-package.js';
import { apiRoutes } from '../../../api/routes/index.js';

const repoRoot = join(import.meta.dirname, '../../..');

type Operation = { operationId: string; parameters?: Array<{ name: string; in: string }> };

function operations(definition: Record<string, unknown>): Operation[] {
  return Object.values(definition.paths as Record<string, Record<string, Operation>>).flatMap((item) => Object.values(item));
}

describe('the Power Automate custom connector package (connector/)', () => {
  it('is what the route table makes: run `npm run connector` after changing a route', () => {
    for (const [name, text] of Object.entries(connectorFiles(apiRoutes))) {
      expect(readFileSync(join(repoRoot, 'connector', name), 'utf8'), `connector/${name}`).toBe(text);
    }
  });

  it('has one operation per user route, with its declared query parameters, and no agent or anonymous route', () => {
    const ops = operations(connectorApiDefinition(apiRoutes));
    const userRoutes = apiRoutes.filter((r) => r.auth === 'user');
    expect(ops.map((o) => o.operationId).sort()).toEqual(userRoutes.map((r) => r.name).sort());
    const listRuns = ops.find((o) => o.operationId === 'listRuns');
    expect(listRuns?.parameters?.filter((p) => p.in === 'query').map((p) => p.name)).toEqual([
      'state',
      'groupId',
      'desktopFlowId',
      'submittedBy',
      'from',
      'to',
      'pageSize',
      'continuationToken',
    ]);
  });

  it('declares "When a desktop flow run ends" as a webhook trigger on callbackUrl, with its unsubscribe operation', () => {
    const definition = connectorApiDefinition(apiRoutes);
    const paths = definition.paths as Record<string, Record<string, Record<string, unknown>>>;
    const item = paths['/environments/{env}/runs/{id}/callback'];
    expect(item?.post).toMatchObject({ operationId: 'subscribeRunCallback', summary: 'When a desktop flow run ends', 'x-ms-trigger': 'single' });
    expect(item?.post?.responses).toMatchObject({ 201: { schema: { $ref: '#/definitions/Run' } } });
    expect(item?.delete).toMatchObject({ operationId: 'deleteRunCallback' });
    const definitions = definition.definitions as Record<string, { properties: Record<string, Record<string, unknown>> }>;
    expect(definitions.RunCallbackSubscription?.properties.callbackUrl).toMatchObject({ 'x-ms-notification-url': true, 'x-ms-visibility': 'internal' });
  });

  it('is Swagger 2.0 over https with Entra ID OAuth (authorization code)', () => {
    const definition = connectorApiDefinition(apiRoutes);
    expect(definition).toMatchObject({ swagger: '2.0', schemes: ['https'], basePath: '/api', security: [{ oauth2: [] }] });
    expect(definition.securityDefinitions).toMatchObject({ oauth2: { type: 'oauth2', flow: 'accessCode' } });
  });
});
