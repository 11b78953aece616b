import type { AppConfig } from '../../app/config/app-config.js';
import type { BotTimings } from '../bot-lifecycle-types.js';
import { SERVE_CHECK_SECONDS } from '../bot-lifecycle.js';

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/** Lifecycle timings derived from the settings, handed to each lifecycle in its input. */
export function botTimingsOf(config: Pick<AppConfig, 'BOT_HEARTBEAT_TIMEOUT_SECONDS'>): BotTimings {
  return {
    serveCheckSeconds: SERVE_CHECK_SECONDS,
    healthCheckSeconds: clamp(config.BOT_HEARTBEAT_TIMEOUT_SECONDS / 3, 1, 60),
    provisionMaxAttempts: 5,
    provisionBackoffBaseSeconds: 2,
    provisionBackoffMaxSeconds: 120,
  };
}
