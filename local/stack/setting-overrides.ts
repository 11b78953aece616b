import { appConfigSchema } from '../../app/config/app-config.js';

/**
 * The settings `npm start` takes from its own environment (`LOCAL_PROVISION_DELAY_MS=30000 npm start`): the
 * durations, schedules, quotas and simulated-VM knobs of PRODUCT.md's settings table. Everything else is the local cloud's
 * wiring (endpoints, keys, issuer), which a stray variable in the user's shell must not redirect.
 */
export const OVERRIDABLE_SETTINGS = [
  'LOCAL_PROVISION_DELAY_MS',
  'LOCAL_PROVISION_FAILURE_RATE',
  'BOT_IDLE_TIMEOUT_SECONDS',
  'GROUP_IDLE_TEARDOWN_HOURS',
  'QUEUED_RUN_TIMEOUT_MINUTES',
  'INACTIVE_GROUP_DAYS',
  'BOT_HEARTBEAT_TIMEOUT_SECONDS',
  'CONTROLLER_INTERVAL_SECONDS',
  'CONTROLLER_QUIET_INTERVAL_SECONDS',
  'INACTIVE_GROUP_CLEANUP_SCHEDULE',
  'ORPHAN_SWEEP_SCHEDULE',
  'STUCK_RUN_SWEEP_SCHEDULE',
  'RUN_DEADLINE_SWEEP_SCHEDULE',
  'CALLBACK_SWEEP_SCHEDULE',
  'CALLBACK_RETRY_BASE_SECONDS',
  'MAX_QUEUED_RUNS_PER_GROUP',
  'RATE_LIMIT_PER_MINUTE',
  // OTEL_EXPORTER=console npm start prints the metrics and run spans (docs/observability.md)
  'OTEL_EXPORTER',
] as const satisfies readonly (keyof typeof appConfigSchema.shape)[];

export type SettingOverrides = { ok: true; settings: Record<string, string> } | { ok: false; errors: string[] };

/** The overridable settings present in `env`, each checked against the app's own config schema. */
export function settingOverrides(env: Record<string, string | undefined>): SettingOverrides {
  const settings: Record<string, string> = {};
  const errors: string[] = [];
  for (const name of OVERRIDABLE_SETTINGS) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    const parsed = appConfigSchema.shape[name].safeParse(value);
    if (parsed.success) settings[name] = value;
    else errors.push(`${name}=${JSON.stringify(value)}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, settings };
}
