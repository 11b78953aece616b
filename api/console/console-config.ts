import type { AppConfig } from '../../app/config/app-config.js';

/** What the console's `config.json` tells the browser: how to sign in with Entra ID, when the API accepts its tokens. */
export interface ConsoleBrowserConfig {
  entra?: { clientId: string; authority: string; scopes: string[] };
}

const ENTRA_ISSUER = /^https:\/\/login\.microsoftonline\.com\/([0-9a-fA-F-]{36})\/v2\.0\/?$/;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * The console signs in with the API's own app registration (docs/deploy.md, "The web console"): its client id is
 * the audience the API accepts for v2.0 tokens, its tenant the issuer's. Any other issuer (the local cloud's) gives
 * no Entra ID sign-in: the console then says so.
 */
export function consoleBrowserConfig(config: Pick<AppConfig, 'AUTH_ISSUER' | 'AUTH_AUDIENCE'>): ConsoleBrowserConfig {
  const tenant = ENTRA_ISSUER.exec(config.AUTH_ISSUER)?.[1];
  const clientId = config.AUTH_AUDIENCE.split(',')
    .map((a) => a.trim())
    .find((a) => GUID.test(a));
  if (!tenant || !clientId) return {};
  return { entra: { clientId, authority: `https://login.microsoftonline.com/${tenant}`, scopes: [`api://${clientId}/.default`] } };
}
