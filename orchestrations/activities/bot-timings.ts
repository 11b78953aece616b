import type { AppConfig } from '../../shared/config/app-config.js';
import type { BotTimings } from '../bot-lifecycle-types.js';

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/** Lifecycle timings derived from the settings, handed to each lifecycle in its input. */
export function botTimingsOf(config: AppConfig): BotTimings {
  return {
    idlePollSeconds: clamp(config.BOT_IDLE_TIMEOUT_SECONDS / 10, 1, 30),
    healthCheckSeconds: clamp(config.BOT_HEARTBEAT_TIMEOUT_SECONDS / 3, 1, 60),
    provisionMaxAttempts: 5,
    provisionBackoffBaseSeconds: 2,
    provisionBackoffMaxSeconds: 120,
  };
}
