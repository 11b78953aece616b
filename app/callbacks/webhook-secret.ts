import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Principal } from '../../domain/principal.js';
import { canManageEnvironment } from '../../domain/access-rules.js';
import { AppError } from '../../domain/errors/app-error.js';
import { SecretNotFoundError, type SecretStore } from '../ports/secret-store.js';
import { loadEnvironmentContext } from '../environments/environment-context.js';

/** What reading or rotating the secret needs: the caller's environment and membership, and the secret store. */
export type WebhookSecretPorts = Parameters<typeof loadEnvironmentContext>[0] & { secrets: Pick<SecretStore, 'get' | 'set'> };

/** The environment's webhook secret's name in the secret store (Key Vault names: `[0-9a-zA-Z-]`). */
export function webhookSecretName(environmentId: string): string {
  return `webhook-${createHash('sha256').update(environmentId, 'utf8').digest('hex').slice(0, 32)}`;
}

function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The secret run callbacks of the environment are signed with, created on first use. It lives in the secret store
 * only. Two first uses racing may each store one; the later version wins and signs every delivery after it.
 */
export async function webhookSecret(secrets: Pick<SecretStore, 'get' | 'set'>, environmentId: string): Promise<string> {
  const name = webhookSecretName(environmentId);
  try {
    return await secrets.get({ name });
  } catch (err) {
    if (!(err instanceof SecretNotFoundError)) throw err;
    const value = newSecret();
    await secrets.set(name, value, { purpose: 'run-callback-signing' });
    return value;
  }
}

/** `sha256=<hex HMAC-SHA256 of the body bytes>`, the X-Signature header of a delivery. */
export function signatureOf(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

async function requireAdmin(deps: Parameters<typeof loadEnvironmentContext>[0], principal: Principal, environmentId: string): Promise<string> {
  const { env, member } = await loadEnvironmentContext(deps, environmentId, principal);
  if (!canManageEnvironment(member)) throw AppError.forbidden('Only a SystemAdministrator may read or rotate the webhook secret.');
  return env.id;
}

/** `GET .../webhook-secret` (SystemAdministrators): the current secret, created if there is none yet. */
export async function readWebhookSecret(
  deps: WebhookSecretPorts,
  principal: Principal,
  environmentId: string,
): Promise<{ environmentId: string; secret: string }> {
  const id = await requireAdmin(deps, principal, environmentId);
  return { environmentId: id, secret: await webhookSecret(deps.secrets, id) };
}

/** `POST .../webhook-secret` (SystemAdministrators): a new secret; deliveries from now on are signed with it. */
export async function rotateWebhookSecret(
  deps: WebhookSecretPorts,
  principal: Principal,
  environmentId: string,
): Promise<{ environmentId: string; secret: string }> {
  const id = await requireAdmin(deps, principal, environmentId);
  const secret = newSecret();
  await deps.secrets.set(webhookSecretName(id), secret, { purpose: 'run-callback-signing' });
  return { environmentId: id, secret };
}
