import type { RouteDoc } from '../http/api-route.js';
import { buildOpenApiDocument } from './openapi-document.js';
import { toSwagger2 } from './swagger2.js';

/**
 * A Power Automate custom connector package (`paconn create --api-def connector/apiDefinition.swagger.json
 * --api-prop connector/apiProperties.json`), generated from the route table: the user routes as Swagger 2.0 with
 * Entra ID OAuth, the bot (agent) surface and the anonymous meta routes left out. `npm run connector` writes it;
 * tests/unit/api/connector-package.test.ts checks that the committed files are what the table makes.
 * The host and the app registration's ids are placeholders to replace per deployment (docs/deploy.md).
 */
export const CONNECTOR_HOST = 'your-function-app.azurewebsites.net';
export const CONNECTOR_CLIENT_ID = '00000000-0000-0000-0000-000000000000';
export const CONNECTOR_RESOURCE = 'api://hosted-rpa-control-plane';

/** the run-callback subscription, declared as the webhook trigger "When a desktop flow run ends" */
export const RUN_ENDED_TRIGGER = {
  operationId: 'subscribeRunCallback',
  unsubscribeOperationId: 'deleteRunCallback',
  summary: 'When a desktop flow run ends',
} as const;

type Operation = Record<string, unknown> & { operationId?: string; responses?: Record<string, Record<string, unknown>> };

/**
 * Power Automate webhook trigger: `x-ms-trigger: single` on the subscription (POST .../runs/{id}/callback, whose body's
 * callbackUrl carries `x-ms-notification-url`). Power Automate unsubscribes with DELETE on the 201's Location (the
 * DELETE .../runs/{id}/callback operation). The 201's schema is what the trigger receives: the ended run.
 */
function declareRunEndedTrigger(paths: Record<string, Record<string, Operation>>): void {
  for (const item of Object.values(paths)) {
    const post = item.post;
    if (post?.operationId !== RUN_ENDED_TRIGGER.operationId) continue;
    item.post = {
      ...post,
      summary: RUN_ENDED_TRIGGER.summary,
      description: String(post.summary ?? ''),
      'x-ms-trigger': 'single',
      'x-ms-trigger-hint': 'Submit a run, then subscribe here with its id; the flow continues when the run ends.',
      responses: { ...post.responses, 201: { description: 'The ended run (delivered to the flow when it ends)', schema: { $ref: '#/definitions/Run' } } },
    };
  }
}

export function connectorApiDefinition(routes: readonly RouteDoc[]): Record<string, unknown> {
  const userRoutes = routes.filter((r) => r.auth === 'user');
  const swagger = toSwagger2(buildOpenApiDocument(userRoutes, `https://${CONNECTOR_HOST}/api`));
  const info = (swagger.info ?? {}) as Record<string, unknown>;
  declareRunEndedTrigger(swagger.paths as Record<string, Record<string, Operation>>);
  return {
    ...swagger,
    info: { ...info, title: 'Hosted RPA control plane', 'x-ms-api-annotation': { status: 'Preview' } },
    schemes: ['https'],
    securityDefinitions: {
      oauth2: {
        type: 'oauth2',
        flow: 'accessCode',
        authorizationUrl: 'https://login.microsoftonline.com/common/oauth2/authorize',
        tokenUrl: 'https://login.windows.net/common/oauth2/authorize',
        scopes: {},
      },
    },
    security: [{ oauth2: [] }],
    'x-ms-connector-metadata': [
      { propertyName: 'Website', propertyValue: 'https://github.com/' },
      { propertyName: 'Categories', propertyValue: 'IT Operations' },
    ],
  };
}

export function connectorApiProperties(): Record<string, unknown> {
  return {
    properties: {
      connectionParameters: {
        token: {
          type: 'oauthSetting',
          oAuthSettings: {
            identityProvider: 'aad',
            clientId: CONNECTOR_CLIENT_ID,
            scopes: [],
            redirectMode: 'GlobalPerConnector',
            redirectUrl: 'https://global.consent.azure-apim.net/redirect',
            properties: { IsFirstParty: 'False', AzureActiveDirectoryResourceId: CONNECTOR_RESOURCE, IsOnbehalfofLoginSupported: false },
            customParameters: {
              loginUri: { value: 'https://login.microsoftonline.com' },
              tenantId: { value: 'common' },
              resourceUri: { value: CONNECTOR_RESOURCE },
              enableOnbehalfOfLogin: { value: 'false' },
            },
          },
        },
      },
      iconBrandColor: '#0f6cbd',
      capabilities: [],
      publisher: 'Hosted RPA control plane',
      stackOwner: 'Hosted RPA control plane',
    },
  };
}

/** The two files of the package, as written to `connector/` (two-space JSON and a final newline). */
export function connectorFiles(routes: readonly RouteDoc[]): Record<string, string> {
  return {
    'apiDefinition.swagger.json': `${JSON.stringify(connectorApiDefinition(routes), null, 2)}\n`,
    'apiProperties.json': `${JSON.stringify(connectorApiProperties(), null, 2)}\n`,
  };
}
