import { loadAppConfig, type AppConfig } from '../../../app/config/app-config.js';

/** The Key Vault URL the test config names: a credential may name secrets of this vault only. */
export const TEST_KEYVAULT_URL = 'https://vault.test';

/** The app config as `loadAppConfig` parses it from test settings (nothing is contacted). */
export function testAppConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadAppConfig({
    COSMOS_ENDPOINT: 'http://localhost',
    KEYVAULT_URL: TEST_KEYVAULT_URL,
    AUTH_ISSUER: 'issuer',
    AUTH_AUDIENCE: 'audience',
    AUTH_JWKS_URI: 'https://localhost/keys',
    SERVICEBUS_CONNECTION_STRING: 'x',
    ...overrides,
  });
}
