import { defineRoute, type ApiRoute, type RawPathParams } from '../../http/api-route.js';
import { problemSchema } from '../../common-schemas.js';
import { environmentPath } from '../path-schemas.js';
import { getWebhookSecretHandler, rotateWebhookSecretHandler } from './webhook-secret-handlers.js';
import type { WebhookSecretRoutePorts } from './webhook-secret-handlers.js';
import { webhookSecretSchema } from './webhook-secret-schemas.js';

const problem = (description: string) => ({ description, schema: problemSchema });
const TAG = 'Environments';
const ROUTE = 'environments/{env}/webhook-secret';

/**
 * The environment's webhook secret: the one route whose purpose is to show a secret (to a SystemAdministrator, who
 * configures the receivers that verify callbacks). It lives in the secret store only; responses are not cached.
 */
export const webhookSecretRoutes: ApiRoute<unknown, RawPathParams, WebhookSecretRoutePorts>[] = [
  defineRoute({
    name: 'getWebhookSecret',
    method: 'GET',
    route: ROUTE,
    params: environmentPath,
    summary:
      'The secret run callbacks of the environment are signed with (X-Signature: sha256=<hex HMAC-SHA256 of the body>), created on first read. SystemAdministrators.',
    tag: TAG,
    auth: 'user',
    responses: {
      200: { description: 'The current secret', schema: webhookSecretSchema },
      403: problem('Not a SystemAdministrator'),
      404: problem('Environment not found or not a member'),
    },
    handle: getWebhookSecretHandler,
  }),
  defineRoute({
    name: 'rotateWebhookSecret',
    method: 'POST',
    route: ROUTE,
    params: environmentPath,
    summary: 'Replace the webhook secret: deliveries from now on (retries of earlier ones included) are signed with the new one. SystemAdministrators.',
    tag: TAG,
    auth: 'user',
    responses: {
      200: { description: 'The new secret', schema: webhookSecretSchema },
      403: problem('Not a SystemAdministrator'),
      404: problem('Environment not found or not a member'),
    },
    handle: rotateWebhookSecretHandler,
  }),
];
