import { botTimingsOf } from '../orchestrations/activities/bot-timings.js';
import { loadAppConfig, type AppConfig } from '../app/config/app-config.js';
import type { BotTimings } from '../orchestrations/bot-lifecycle-types.js';

/**
 * The product's settings at their defaults (app/config/app-config.ts), read the way the app reads them; the
 * required connection settings are placeholders: the simulator connects to nothing.
 */
export const PRODUCT_CONFIG: AppConfig = loadAppConfig({
  COSMOS_ENDPOINT: 'https://simulator.invalid',
  KEYVAULT_URL: 'https://simulator.invalid',
  AUTH_ISSUER: 'simulator',
  AUTH_AUDIENCE: 'simulator',
  AUTH_JWKS_URI: 'https://simulator.invalid/keys',
  SERVICEBUS_CONNECTION_STRING: 'simulator',
});

/** The bot lifecycle's timings at the product's defaults (orchestrations/activities/bot-timings.ts). */
export const PRODUCT_BOT_TIMINGS: BotTimings = botTimingsOf(PRODUCT_CONFIG);
