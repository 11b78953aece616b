import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { appConfigSchema } from '../../../app/config/app-config.js';
import { infraFiles, readBicep, repoRoot } from './bicep-source.js';
import { directEnvironmentReads, timerSchedules } from './code-scan.js';
import { appSettings, appSettingsResourceProperties, MAIN, paramDefault } from './infra-model.js';

/**
 * The config schema is the list of settings the code reads; the Bicep must set each one in Azure, except the
 * local-only ones, which must never be set there (each has an Azure counterpart given here).
 */
const LOCAL_ONLY: Record<string, string> = {
  COSMOS_KEY: 'Cosmos keys are off (disableLocalAuth); the identity holds Cosmos DB Built-in Data Contributor',
  SERVICEBUS_CONNECTION_STRING: 'the app never uses SAS (only bot agents do, Listen-only); SERVICEBUS_NAMESPACE + the identity are used',
  LOCAL_CA_CERT_FILE: 'the local cloud CA; Azure endpoints carry public certificates',
  LOCAL_PROVISION_DELAY_MS: 'only the simulated provisioner waits; Azure runs PROVISIONER=arm',
  LOCAL_PROVISION_FAILURE_RATE: 'failure injection of the simulated provisioner only',
  AzureWebJobsStorage: 'a connection string only locally; in Azure the host uses AzureWebJobsStorage__* with the identity',
  WEBSITE_HOSTNAME: 'set by the App Service platform, not by the Bicep',
};

/** Settings the Bicep sets that the config schema does not read, with who reads them. */
const READ_ELSEWHERE: Record<string, string> = {
  DURABLE_TASK_HUB: 'host.json (%DURABLE_TASK_HUB%)',
  AzureWebJobsStorage__accountName: 'Functions host and Durable Functions (identity-based storage)',
  AzureWebJobsStorage__credential: 'Functions host and Durable Functions',
  AzureWebJobsStorage__clientId: 'Functions host and Durable Functions',
  APPLICATIONINSIGHTS_CONNECTION_STRING: 'Functions host telemetry',
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Functions host telemetry (Entra ID ingestion)',
  AZURE_SUBSCRIPTION_ID: 'the ARM provisioner',
  BOTS_RESOURCE_GROUP: 'the ARM provisioner',
  BOTS_SUBNET_ID: 'the ARM provisioner',
  DEPLOYMENT_ID: 'the ARM provisioner (tag value on the VMs it creates)',
};

/** Flex Consumption refuses these: the runtime and package come from functionAppConfig. */
const REFUSED_ON_FLEX = [
  'FUNCTIONS_WORKER_RUNTIME',
  'FUNCTIONS_EXTENSION_VERSION',
  'WEBSITE_RUN_FROM_PACKAGE',
  'WEBSITE_NODE_DEFAULT_VERSION',
  'WEBSITE_CONTENTSHARE',
  'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING',
];

/** Folders of the code deployed to the function app. */
const PRODUCTION_DIRS = ['shared', 'functions', 'orchestrations'];

const schemaKeys = Object.keys(appConfigSchema.shape);
const settings = appSettings();

describe('app settings in infra/ against app/config/app-config.ts', () => {
  it('finds the settings where the infra tests expect them', () => {
    expect(settings.size).toBeGreaterThan(10);
    // both objects are really applied to the app
    expect(appSettingsResourceProperties()?.replace(/\s/g, '')).toBe('union(appSettings,hostSettings)');
  });

  it.each(schemaKeys.filter((k) => !(k in LOCAL_ONLY)))('sets %s', (key) => {
    expect(settings.has(key), `${key} is read by the config schema but not set in ${MAIN} (appSettings of the function app module)`).toBe(true);
  });

  it.each(Object.keys(LOCAL_ONLY))('never sets the local-only %s', (key) => {
    expect(schemaKeys, `${key} is no longer in the config schema: drop it from LOCAL_ONLY`).toContain(key);
    expect(settings.has(key), `${key} must not be set in Azure: ${LOCAL_ONLY[key]}`).toBe(false);
  });

  it('sets nothing that nobody reads (a typo would pass silently otherwise)', () => {
    const unknown = [...settings.keys()].filter((k) => !schemaKeys.includes(k) && !(k in READ_ELSEWHERE));
    expect(unknown, 'add the reader to READ_ELSEWHERE, or to the config schema').toEqual([]);
    for (const key of Object.keys(READ_ELSEWHERE)) expect(settings.has(key), `${key} (${READ_ELSEWHERE[key]}) is not set`).toBe(true);
  });

  it('sets every %NAME% host.json reads', () => {
    const hostJson = readFileSync(join(repoRoot, 'host.json'), 'utf8');
    const names = [...hostJson.matchAll(/%([A-Za-z0-9_]+)%/g)].map((m) => m[1] as string);
    expect(names).toContain('DURABLE_TASK_HUB');
    for (const name of names) expect(settings.has(name), `host.json reads %${name}%`).toBe(true);
  });

  it('sets every %NAME% a timer schedule of functions/ reads, with the schema default', () => {
    // `schedule: '%NAME%'`, or `schedule: \`%${setting}%\`` in a helper its callers pass the name to (functions/timers.ts)
    const schedules = timerSchedules(['functions']);
    expect(schedules.unresolved, 'timer schedules the scan cannot follow: write them as %NAME% or extend code-scan.ts').toEqual([]);
    const names = [...new Set(schedules.settings.map((s) => s.name))];
    expect(names.length).toBeGreaterThanOrEqual(3);
    const main = readBicep(MAIN);
    for (const name of names) {
      const where = schedules.settings
        .filter((s) => s.name === name)
        .map((s) => s.where)
        .join(', ');
      const value = settings.get(name)?.value ?? '';
      expect(value, `${name} (${where}) is read by a timer but not set in the appSettings of ${MAIN}`).not.toBe('');
      expect(settings.get(name)?.file, `${name} belongs in the appSettings of ${MAIN}`).toBe(MAIN);
      const field = appConfigSchema.shape[name as keyof typeof appConfigSchema.shape];
      expect(field, `${name} belongs in the config schema`).toBeInstanceOf(z.ZodDefault);
      expect(paramDefault(main, value), `default of param ${value} (${name})`).toBe(`'${String((field as z.ZodDefault).def.defaultValue)}'`);
    }
  });

  it('finds the timer schedules written in both forms (the scan itself)', () => {
    const sources = readdirSync(join(repoRoot, 'functions')).map((f) => readFileSync(join(repoRoot, 'functions', f), 'utf8'));
    // every *_SCHEDULE name written in functions/ is found by the scan
    const written = new Set(sources.flatMap((src) => [...src.matchAll(/'%?([A-Z][A-Z0-9_]*_SCHEDULE)%?'/g)].map((m) => m[1] as string)));
    const found = new Set(timerSchedules(['functions']).settings.map((s) => s.name));
    expect([...written].filter((n) => !found.has(n))).toEqual([]);
  });

  it('reads the settings only through the config schema (loadAppConfig(process.env)), so the schema is the whole list', () => {
    expect(directEnvironmentReads(PRODUCTION_DIRS), 'read the setting through app/config/app-config.ts instead').toEqual([]);
  });

  it('leaves the runtime to functionAppConfig, as Flex Consumption requires', () => {
    for (const key of REFUSED_ON_FLEX) expect(settings.has(key), `${key} is refused on Flex Consumption`).toBe(false);
  });

  it('runs the ARM provisioner in Azure', () => {
    expect(settings.get('PROVISIONER')?.value).toBe("'arm'");
  });

  it('keeps the duration defaults of the schema (PRODUCT.md settings table)', () => {
    const main = readBicep(MAIN);
    const durations = [
      'BOT_IDLE_TIMEOUT_SECONDS',
      'GROUP_IDLE_TEARDOWN_HOURS',
      'QUEUED_RUN_TIMEOUT_MINUTES',
      'INACTIVE_GROUP_DAYS',
      'BOT_HEARTBEAT_TIMEOUT_SECONDS',
      'CONTROLLER_INTERVAL_SECONDS',
    ];
    for (const key of durations) {
      const field = appConfigSchema.shape[key as keyof typeof appConfigSchema.shape];
      expect(field, key).toBeInstanceOf(z.ZodDefault);
      const schemaDefault = (field as z.ZodDefault).def.defaultValue;
      const value = settings.get(key)?.value ?? '';
      const param = /^(?:string\(\s*)?([A-Za-z_]\w*)\s*\)?$/.exec(value)?.[1];
      expect(param, `${key} should be set from a main.bicep param, e.g. string(x)`).toBeDefined();
      expect(Number(paramDefault(main, param as string)), `default of param ${param} (${key})`).toBe(schemaDefault);
    }
  });

  it('reaches every service with the managed identity, never with a key or a secret', () => {
    expect(settings.get('AzureWebJobsStorage__credential')?.value).toBe("'managedidentity'");
    expect(settings.get('APPLICATIONINSIGHTS_AUTHENTICATION_STRING')?.value).toMatch(/^'Authorization=AAD;ClientId=\$\{/);
    for (const key of settings.keys()) {
      if (key === 'APPLICATIONINSIGHTS_CONNECTION_STRING') continue; // an ingestion endpoint; local auth is off
      if (key === 'AGENT_QUEUE_SAS_RULE') {
        // the name of a rule; its key is the Key Vault secret agent-queue-sas-key
        expect(settings.get(key)?.value).toBe('serviceBus.outputs.agentQueueSasRuleName');
        continue;
      }
      expect(key, 'secrets belong in Key Vault (a @Microsoft.KeyVault(...) reference at most)').not.toMatch(/KEY$|SECRET|PASSWORD|CONNECTION_STRING|SAS/i);
    }
    // one exception: the Listen-only key of the bots' queue tokens, copied by ARM into Key Vault, nowhere else
    const KEY_INTO_VAULT = 'infra/modules/agent-queue-key.bicep';
    for (const rel of infraFiles()) {
      const code = readBicep(rel).code;
      if (rel === KEY_INTO_VAULT) {
        expect([...code.matchAll(/\blist(Keys|ConnectionStrings|Secrets)\s*\(/g)].length).toBe(1);
        expect(code).toMatch(/value:\s*rule\.listKeys\(\)\.primaryKey/);
        expect(code).not.toMatch(/^output .*listKeys/m);
        continue;
      }
      expect(code, `${rel} reads keys`).not.toMatch(/\blist(Keys|ConnectionStrings|Secrets)\s*\(/);
    }
  });

  it('lists every setting in docs/deploy.md', () => {
    const guide = readFileSync(join(repoRoot, 'docs/deploy.md'), 'utf8');
    for (const key of [...settings.keys(), ...Object.keys(LOCAL_ONLY)]) expect(guide, `docs/deploy.md does not mention ${key}`).toContain(`\`${key}\``);
  });
});
