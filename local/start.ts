import { buildConsole, consoleAssetsIn } from '../console/build.js';
import { REPO_ROOT, startLocalCloud } from './stack/local-cloud.js';
import { settingOverrides } from './stack/setting-overrides.js';

/**
 * `npm start`: the whole stack on local emulators, serving the API on http://127.0.0.1:$PORT/api until
 * Ctrl-C or SIGTERM, then nothing left running.
 */
const port = Number(process.env.PORT ?? 7071);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`PORT must be a TCP port number, got "${process.env.PORT}".\n`);
  process.exit(2);
}

const overrides = settingOverrides(process.env);
if (!overrides.ok) {
  process.stderr.write(`Invalid settings in the environment:\n  ${overrides.errors.join('\n  ')}\n`);
  process.exit(2);
}

const started = performance.now();
const say = (line: string) => process.stdout.write(`${line}\n`);
say(`Starting the local cloud (Functions host on port ${port})…`);
const changed = Object.entries(overrides.settings);
if (changed.length > 0) say(`Settings from the environment: ${changed.map(([k, v]) => `${k}=${v}`).join(', ')}`);

try {
  await buildConsole(consoleAssetsIn(REPO_ROOT));
  const cloud = await startLocalCloud({ port, log: say, settings: overrides.settings });
  const total = ((performance.now() - started) / 1000).toFixed(1);
  say('');
  say(`Local cloud ready in ${total} s.`);
  say(`  API:      ${cloud.baseUrl}/api   (health: ${cloud.baseUrl}/api/health)`);
  say(`  OpenAPI:  ${cloud.baseUrl}/api/openapi.json`);
  say(`  Console:  ${cloud.baseUrl}/api/console/   (sign in as alice, tick Platform.Admin)`);
  say(`  Token:    npm run token -- --user alice --platform-admin${port === 7071 ? '' : `   (with PORT=${port})`}`);
  say(`  Timers:   curl -X POST ${cloud.baseUrl}/admin/functions/<name>`);
  say('Press Ctrl-C to stop.');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`\n${signal}: stopping…`);
    await cloud.stop();
    say('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGHUP', () => void stop('SIGHUP'));
} catch (err) {
  process.stderr.write(`The local cloud failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
