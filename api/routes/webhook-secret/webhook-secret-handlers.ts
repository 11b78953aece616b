import type { ApiRequest, ApiResponse } from '../../http/api-route.js';
import { readWebhookSecret, rotateWebhookSecret, type WebhookSecretPorts } from '../../../app/callbacks/webhook-secret.js';
import type { EnvironmentPath } from '../path-schemas.js';

/** What the webhook secret routes need of the composition root. */
export type WebhookSecretRoutePorts = WebhookSecretPorts;

/** `GET environments/{env}/webhook-secret`: a secret in the body, so never cached */
export async function getWebhookSecretHandler(req: ApiRequest<undefined, EnvironmentPath>, deps: WebhookSecretPorts): Promise<ApiResponse> {
  return { status: 200, body: await readWebhookSecret(deps, req.principal, req.params.env), headers: { 'cache-control': 'no-store' } };
}

/** `POST environments/{env}/webhook-secret` */
export async function rotateWebhookSecretHandler(req: ApiRequest<undefined, EnvironmentPath>, deps: WebhookSecretPorts): Promise<ApiResponse> {
  return { status: 200, body: await rotateWebhookSecret(deps, req.principal, req.params.env), headers: { 'cache-control': 'no-store' } };
}
