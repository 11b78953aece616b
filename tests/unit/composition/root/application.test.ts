import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { apiRoutes } from '../../../../api/routes/index.js';
import { composeApplication } from '../../../../composition/root/application.js';
import { testAppConfig } from '../../../support/fakes/test-config.js';

const assetsDir = mkdtempSync(join(tmpdir(), 'console-assets-'));
writeFileSync(join(assetsDir, 'index.html'), '<!doctype html>');
afterAll(() => rmSync(assetsDir, { recursive: true, force: true }));

/** Settings whose clients are built without contacting anything (keys and a connection string, no credential). */
const config = () =>
  testAppConfig({
    COSMOS_KEY: 'a2V5',
    SERVICEBUS_CONNECTION_STRING: 'Endpoint=sb://127.0.0.1/;SharedAccessKeyName=test;SharedAccessKey=dGVzdA==',
  });

const consoleConfigRequest = () => new HttpRequest({ url: 'http://127.0.0.1/api/console/config.json', method: 'GET', params: { path: 'config.json' } });

describe('composeApplication, the composition root', () => {
  it('reads no setting and builds nothing until the first invocation (the host indexes the functions first)', () => {
    const loadConfig = vi.fn(config);
    const application = composeApplication(loadConfig);
    expect(application.api.map(({ route }) => route)).toEqual(apiRoutes);
    expect(Object.keys(application.sweeps).sort()).toEqual(['inactiveGroupCleanup', 'orphanSweep', 'runDeadlineSweep', 'stuckRunSweep']);
    expect(loadConfig).not.toHaveBeenCalled();
  });

  it('builds the clients once, on first use, and every later invocation shares them', async () => {
    const loadConfig = vi.fn(config);
    const application = composeApplication(loadConfig);
    const handler = application.console(assetsDir);
    const answers = await Promise.all([1, 2, 3].map(() => handler(consoleConfigRequest(), new InvocationContext())));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(loadConfig).toHaveBeenCalledTimes(1);
  });

  it('builds the provisioner only for the bot activities: a provisioner setting that is wrong fails those alone', async () => {
    const loadConfig = vi.fn(() => ({ ...config(), PROVISIONER: 'arm' as const }));
    const application = composeApplication(loadConfig);
    expect((await application.console(assetsDir)(consoleConfigRequest(), new InvocationContext())).status).toBe(200);
    await expect(application.bot.provision({ environmentId: 'e', groupId: 'g', botId: 'b' }, new InvocationContext())).rejects.toThrow(/PROVISIONER=arm needs/);
    expect(loadConfig).toHaveBeenCalledTimes(1);
  });

  it('fails the invocations, not the composition, when the settings are wrong', async () => {
    const application = composeApplication(() => {
      throw new Error('COSMOS_ENDPOINT: Required');
    });
    await expect(application.console(assetsDir)(consoleConfigRequest(), new InvocationContext())).rejects.toThrow('COSMOS_ENDPOINT');
  });
});
