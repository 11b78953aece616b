import type { AppConfig } from '../config/app-config.js';
import { MAX_CALLBACK_URL_LENGTH } from '../../domain/run-callback.js';
import { AppError } from '../../domain/errors/app-error.js';
import { checkCallbackHost } from './callback-address.js';

const FIELD = 'callbackUrl';

function refuse(message: string): AppError {
  return AppError.validation([{ field: FIELD, message }], 'The callback URL is not valid.');
}

/**
 * Checks a submission's callback URL: absolute, at most 2,048 characters, https (http too with ALLOW_HTTP_CALLBACKS),
 * no user info, and a host whose every address is public (any with ALLOW_PRIVATE_CALLBACKS). 400 naming `callbackUrl`.
 * Delivery checks the address again (app/callbacks/callback-delivery.ts).
 */
export async function validateCallbackUrl(config: Pick<AppConfig, 'ALLOW_HTTP_CALLBACKS' | 'ALLOW_PRIVATE_CALLBACKS'>, value: string): Promise<string> {
  if (value.length > MAX_CALLBACK_URL_LENGTH) throw refuse(`Must be at most ${MAX_CALLBACK_URL_LENGTH} characters.`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw refuse('Must be an absolute URL.');
  }
  const schemes = config.ALLOW_HTTP_CALLBACKS ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) throw refuse(config.ALLOW_HTTP_CALLBACKS ? 'Must be an https or http URL.' : 'Must be an https URL.');
  if (url.username || url.password) throw refuse('Must not carry user info.');
  const check = await checkCallbackHost(url.hostname, config.ALLOW_PRIVATE_CALLBACKS);
  if (!check.ok) throw refuse(check.reason);
  return url.toString();
}
