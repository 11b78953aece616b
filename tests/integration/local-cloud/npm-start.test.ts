import { execFileSync, spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import { freePort } from '../../../local/stack/azurite.js';

function descendants(pid: number): number[] {
  let out: string;
  try {
    out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  } catch {
    return []; // ps exits 1 when there are no children
  }
  const children = out
    .split('\n')
    .map((s) => Number(s.trim()))
    .filter((n) => n > 0);
  return children.flatMap((child) => [child, ...descendants(child)]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

it('npm start serves the API with a token from npm run token, and Ctrl-C leaves no process behind', async () => {
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), LOCAL_PROVISION_DELAY_MS: '1234' };
  const supervisor = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  supervisor.stdout.on('data', (c: Buffer) => (output += c.toString()));
  supervisor.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => supervisor.once('exit', (code) => resolve(code)));

  const deadline = Date.now() + 60_000;
  while (!output.includes('Local cloud ready') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(output).toContain('Local cloud ready');
  expect(output).toContain('Settings from the environment: LOCAL_PROVISION_DELAY_MS=1234');
  for (const part of ['Cosmos DB', 'Storage (Azurite)', 'Service Bus', 'Key Vault', 'Token issuer', 'Functions host']) {
    expect(output).toMatch(new RegExp(`${part.replace(/[()]/g, '\\$&')}.*ready \\d+\\.\\d s`));
  }

  const health = await fetch(`http://127.0.0.1:${port}/api/health`);
  expect(health.status).toBe(200);

  const token = execFileSync(process.execPath, ['--import', 'tsx', 'local/token-cli.ts', '--user', 'alice', '--platform-admin'], {
    env,
    encoding: 'utf8',
  }).trim();
  const created = await fetch(`http://127.0.0.1:${port}/api/environments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'From the README', geography: 'US', plan: 'paid', capacity: 2 }),
  });
  expect(created.status).toBe(201);

  const processes = descendants(supervisor.pid ?? 0);
  expect(processes.length).toBeGreaterThanOrEqual(2); // Azurite and the Functions host at least
  supervisor.kill('SIGINT');
  expect(await exited).toBe(0);
  // helper processes (tsx's esbuild service) end when their parent's pipe closes, a moment after it exits
  const gone = Date.now() + 5_000;
  while (processes.some(alive) && Date.now() < gone) await new Promise((r) => setTimeout(r, 100));
  expect(processes.filter(alive)).toEqual([]);
  expect(output).toContain('Stopped.');
}, 90_000);

it('npm start refuses a malformed setting from the environment by name, before starting anything', () => {
  const env = { ...process.env, BOT_IDLE_TIMEOUT_SECONDS: 'soon' };
  let failure: { status: number | null; stderr: string } | undefined;
  try {
    execFileSync(process.execPath, ['--import', 'tsx', 'local/start.ts'], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    failure = err as { status: number | null; stderr: string };
  }
  expect(failure?.status).toBe(2);
  expect(failure?.stderr).toMatch(/BOT_IDLE_TIMEOUT_SECONDS="soon"/);
}, 30_000);
