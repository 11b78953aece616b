import { describe, expect, it } from 'vitest';
import { loadAppConfig } from '../../../../app/config/app-config.js';

/** The settings without a default, as the local cloud sets them. */
const REQUIRED = {
  COSMOS_ENDPOINT: 'https://localhost:8081',
  KEYVAULT_URL: 'https://vault.test',
  AUTH_ISSUER: 'https://login.microsoftonline.com/tenant/v2.0',
  AUTH_AUDIENCE: 'api://app',
  AUTH_JWKS_URI: 'https://login.microsoftonline.com/tenant/discovery/v2.0/keys',
  SERVICEBUS_CONNECTION_STRING: 'Endpoint=sb://localhost;SharedAccessKeyName=k;SharedAccessKey=v',
};

const load = (settings: Record<string, string | undefined>) => loadAppConfig({ ...REQUIRED, ...settings });

/** The message `loadAppConfig` stops the app with. */
function refusalOf(settings: Record<string, string | undefined>): string {
  try {
    load(settings);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`the settings were accepted: ${JSON.stringify(settings)}`);
}

describe('loadAppConfig', () => {
  it('fills every unset setting with its documented default', () => {
    expect(load({})).toMatchObject({
      PROVISIONER: 'arm',
      LOCAL_PROVISION_DELAY_MS: 30_000,
      LOCAL_PROVISION_FAILURE_RATE: 0,
      AGENT_QUEUE_SAS_RULE: 'bot-listen',
      BOT_IDLE_TIMEOUT_SECONDS: 900,
      GROUP_IDLE_TEARDOWN_HOURS: 3,
      QUEUED_RUN_TIMEOUT_MINUTES: 360,
      BOT_HEARTBEAT_TIMEOUT_SECONDS: 120,
      CONTROLLER_INTERVAL_SECONDS: 60,
      CONTROLLER_QUIET_INTERVAL_SECONDS: 240,
      MAX_QUEUED_RUNS_PER_GROUP: 10_000,
      RATE_LIMIT_PER_MINUTE: 1200,
      OTEL_EXPORTER: 'none',
      ALLOW_HTTP_CALLBACKS: false,
      ALLOW_PRIVATE_CALLBACKS: false,
      ORPHAN_SWEEP_SCHEDULE: '0 */5 * * * *',
    });
  });

  it('reads numbers and switches from their text, and keeps nothing it does not know', () => {
    const config = load({
      BOT_IDLE_TIMEOUT_SECONDS: ' 600 ',
      GROUP_IDLE_TEARDOWN_HOURS: '0.5',
      ALLOW_HTTP_CALLBACKS: 'true',
      ALLOW_PRIVATE_CALLBACKS: 'off',
      PATH: '/usr/bin',
    });
    expect(config).toMatchObject({ BOT_IDLE_TIMEOUT_SECONDS: 600, GROUP_IDLE_TEARDOWN_HOURS: 0.5, ALLOW_HTTP_CALLBACKS: true, ALLOW_PRIVATE_CALLBACKS: false });
    expect(config).not.toHaveProperty('PATH');
  });

  it('takes a setting left empty or blank as not set: its default, or named as missing when required', () => {
    expect(load({ LOCAL_PROVISION_DELAY_MS: '', BOT_IDLE_TIMEOUT_SECONDS: '  ', COSMOS_KEY: '', ORPHAN_SWEEP_SCHEDULE: '' })).toMatchObject({
      LOCAL_PROVISION_DELAY_MS: 30_000,
      BOT_IDLE_TIMEOUT_SECONDS: 900,
      ORPHAN_SWEEP_SCHEDULE: '0 */5 * * * *',
    });
    expect(load({ COSMOS_KEY: '' })).not.toHaveProperty('COSMOS_KEY');
    const message = refusalOf({ AUTH_ISSUER: '' });
    expect(message).toMatch(/^ {2}AUTH_ISSUER: /m);
    expect(message.split('\n')).toHaveLength(2);
  });

  it('names every missing required setting at once', () => {
    const message = refusalOf({ COSMOS_ENDPOINT: undefined, AUTH_ISSUER: undefined });
    expect(message).toMatch(/^Invalid app settings:/);
    expect(message).toMatch(/^ {2}COSMOS_ENDPOINT: /m);
    expect(message).toMatch(/^ {2}AUTH_ISSUER: /m);
    expect(message).not.toMatch(/KEYVAULT_URL/);
  });

  it('asks for a Service Bus namespace or a connection string when neither is set', () => {
    expect(refusalOf({ SERVICEBUS_CONNECTION_STRING: undefined })).toContain(
      'SERVICEBUS_NAMESPACE: Set SERVICEBUS_NAMESPACE (Azure) or SERVICEBUS_CONNECTION_STRING (local).',
    );
    expect(load({ SERVICEBUS_CONNECTION_STRING: undefined, SERVICEBUS_NAMESPACE: 'ns.servicebus.windows.net' }).SERVICEBUS_NAMESPACE).toBe(
      'ns.servicebus.windows.net',
    );
  });

  it.each([
    ['zero', '0'],
    ['a negative number', '-5'],
    ['a fraction', '1.5'],
    ['text', 'fifteen minutes'],
    ['hexadecimal', '0x10'],
    ['an exponent', '1e3'],
  ])('refuses %s where a positive whole number is expected', (_what, value) => {
    expect(refusalOf({ BOT_IDLE_TIMEOUT_SECONDS: value })).toMatch(/^ {2}BOT_IDLE_TIMEOUT_SECONDS: /m);
  });

  it('holds the bounded settings to their bounds', () => {
    expect(load({ LOCAL_PROVISION_DELAY_MS: '0', LOCAL_PROVISION_FAILURE_RATE: '1' })).toMatchObject({
      LOCAL_PROVISION_DELAY_MS: 0,
      LOCAL_PROVISION_FAILURE_RATE: 1,
    });
    expect(refusalOf({ LOCAL_PROVISION_DELAY_MS: '-1' })).toContain('LOCAL_PROVISION_DELAY_MS: ');
    expect(refusalOf({ LOCAL_PROVISION_FAILURE_RATE: '1.5' })).toContain('LOCAL_PROVISION_FAILURE_RATE: ');
    expect(refusalOf({ QUEUED_RUN_TIMEOUT_MINUTES: '0' })).toContain('QUEUED_RUN_TIMEOUT_MINUTES: ');
    expect(refusalOf({ RATE_LIMIT_PER_MINUTE: 'Infinity' })).toContain('RATE_LIMIT_PER_MINUTE: ');
  });

  it('refuses a schedule that is not six-field NCRONTAB, and trims one that is', () => {
    expect(refusalOf({ ORPHAN_SWEEP_SCHEDULE: '*/5 * * * *' })).toContain('ORPHAN_SWEEP_SCHEDULE: six-field NCRONTAB, seconds first');
    expect(load({ RUN_DEADLINE_SWEEP_SCHEDULE: '  15 * * * * *  ' }).RUN_DEADLINE_SWEEP_SCHEDULE).toBe('15 * * * * *');
  });

  it('refuses a value outside a closed list, a malformed URL and an unknown switch word', () => {
    const message = refusalOf({ PROVISIONER: 'docker', OTEL_EXPORTER: 'stdout', KEYVAULT_URL: 'vault', ALLOW_HTTP_CALLBACKS: 'maybe' });
    for (const name of ['PROVISIONER', 'OTEL_EXPORTER', 'KEYVAULT_URL', 'ALLOW_HTTP_CALLBACKS']) {
      expect(message).toMatch(new RegExp(`^ {2}${name}: `, 'm'));
    }
    expect(message).toContain('expected one of "simulated"|"arm"');
  });
});
