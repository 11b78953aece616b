import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FlowStep } from '../../../../protocol/agent-protocol.js';
import { executeFlow, LocalAccountLogon, type FlowContext } from '../../../../agent/steps/index.js';

const account = { username: 'rpa-runner', password: 'S3cret-Passw0rd!x' };
const node = (script: string, extra: Partial<{ timeoutSeconds: number; args: string[] }> = {}): FlowStep => ({
  run: {
    command: process.execPath,
    args: ['-e', script, ...(extra.args ?? [])],
    ...(extra.timeoutSeconds === undefined ? {} : { timeoutSeconds: extra.timeoutSeconds }),
  },
});

function context(overrides: Partial<FlowContext> = {}): FlowContext {
  return { inputs: {}, account, logon: new LocalAccountLogon(account), cancelled: () => false, ...overrides };
}

/** gone: no such process, or a zombie nobody reaps yet (in a container the reaper may be slow) */
function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? false;
  } catch {
    return true;
  }
}

async function eventuallyGone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100; i += 1) {
    if (isGone(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** a process that spawns a grandchild, prints both pids as JSON, and never ends */
const NEVER_ENDING_TREE = `
const { spawn } = require('node:child_process');
const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
process.stdout.write(JSON.stringify({ pid: String(process.pid), grandchild: String(grandchild.pid) }) + '\\n');
setInterval(() => {}, 1000);`;

function pidsFrom(stdout: string | undefined): number[] {
  const parsed = JSON.parse(stdout ?? '{}') as { pid?: string; grandchild?: string };
  return [Number(parsed.pid), Number(parsed.grandchild)];
}

describe.skipIf(process.platform === 'win32')('run steps execute real processes', { timeout: 60_000 }, () => {
  it('merges the stdout JSON object into the outputs, values as strings', async () => {
    const result = await executeFlow({ steps: [node('console.log(JSON.stringify({ invoice: "42", count: 3, ok: true }))')] }, context());
    expect(result).toMatchObject({ outcome: 'Succeeded', outputs: { invoice: '42', count: '3', ok: 'true' } });
    expect(result.logs[0]).toMatchObject({ step: 0, kind: 'run', exitCode: 0 });
  });

  it('ignores stdout that is not one JSON object', async () => {
    const result = await executeFlow(
      { steps: [node('console.log("hello")'), node('console.log("[1,2]")'), node('console.log("{not json")'), { output: { name: 'a', value: '1' } }] },
      context(),
    );
    expect(result).toMatchObject({ outcome: 'Succeeded', outputs: { a: '1' } });
    expect(result.logs.map((l) => l.stdout?.trim())).toEqual(['hello', '[1,2]', '{not json', undefined]);
  });

  it('fails StepFailed with the tail of stderr on a non-zero exit code, keeping earlier outputs', async () => {
    const script = 'process.stderr.write("x".repeat(10000) + "portal unreachable"); process.exit(3)';
    const result = await executeFlow({ steps: [{ output: { name: 'a', value: '1' } }, node(script), { output: { name: 'never', value: 'x' } }] }, context());
    expect(result.outcome).toBe('Failed');
    if (result.outcome !== 'Failed') return;
    expect(result.outputs).toEqual({ a: '1' });
    expect(result.error.code).toBe('StepFailed');
    expect(result.error.message).toContain('exited with code 3');
    expect(result.error.message).toContain('portal unreachable');
    expect(Buffer.byteLength(result.error.message)).toBeLessThanOrEqual(4 * 1024 + 200);
    expect(result.logs[1]).toMatchObject({ exitCode: 3 });
  });

  it('fails StepFailed when the command does not exist', async () => {
    const result = await executeFlow({ steps: [{ run: { command: '/no/such/program' } }] }, context());
    expect(result).toMatchObject({ outcome: 'Failed', error: { code: 'StepFailed' } });
  });

  it('passes arguments as they are, without a shell', async () => {
    const hostile = '$(touch /tmp/injected-by-step); `id` ; | & > "quoted"';
    const result = await executeFlow({ steps: [node('console.log(JSON.stringify({ arg: process.argv[1] }))', { args: [hostile] })] }, context());
    expect(result).toMatchObject({ outcome: 'Succeeded', outputs: { arg: hostile } });
  });

  it('runs in the working directory', async () => {
    const result = await executeFlow(
      { steps: [{ run: { command: process.execPath, args: ['-e', 'console.log(JSON.stringify({ cwd: process.cwd() }))'], workingDirectory: '/tmp' } }] },
      context(),
    );
    expect(result).toMatchObject({ outcome: 'Succeeded', outputs: { cwd: '/tmp' } });
  });

  it('kills a step that never ends at its timeout, with its process tree, and fails StepTimedOut', async () => {
    const result = await executeFlow({ steps: [node(NEVER_ENDING_TREE, { timeoutSeconds: 2 })] }, context());
    expect(result).toMatchObject({ outcome: 'Failed', error: { code: 'StepTimedOut' } });
    const pids = pidsFrom(result.logs[0]?.stdout);
    for (const pid of pids) expect(await eventuallyGone(pid)).toBe(true);
  });

  it('kills the running process on a cancel and ends Cancelled', async () => {
    let cancelled = false;
    setTimeout(() => (cancelled = true), 1_500);
    const result = await executeFlow({ steps: [node(NEVER_ENDING_TREE), { output: { name: 'never', value: 'x' } }] }, context({ cancelled: () => cancelled }));
    expect(result.outcome).toBe('Cancelled');
    expect(result.outputs).toEqual({});
    for (const pid of pidsFrom(result.logs[0]?.stdout)) expect(await eventuallyGone(pid)).toBe(true);
  });

  it('fails OutputsTooLarge when the outputs exceed 64 KiB', async () => {
    const result = await executeFlow({ steps: [node('console.log(JSON.stringify({ blob: "x".repeat(70 * 1024) }))')] }, context());
    expect(result).toMatchObject({ outcome: 'Failed', error: { code: 'OutputsTooLarge' }, outputs: {} });
  });

  it('fails OutputsTooLarge when stdout is JSON too large to hold', async () => {
    const result = await executeFlow({ steps: [node('process.stdout.write(JSON.stringify({ blob: "x".repeat(3 * 1024 * 1024) }))')] }, context());
    expect(result).toMatchObject({ outcome: 'Failed', error: { code: 'OutputsTooLarge' } });
  });

  it('keeps logs bounded whatever a step writes', async () => {
    const flood = 'const chunk = "y".repeat(65536); for (let i = 0; i < 100; i++) { process.stdout.write(chunk); process.stderr.write(chunk); }';
    const result = await executeFlow({ steps: Array.from({ length: 8 }, () => node(flood)) }, context());
    expect(result.outcome).toBe('Succeeded');
    for (const log of result.logs) expect(Buffer.byteLength(JSON.stringify(log))).toBeLessThanOrEqual(8 * 1024);
    expect(Buffer.byteLength(JSON.stringify(result.logs))).toBeLessThanOrEqual(32 * 1024);
    expect(result.logs.at(-1)?.kind).toBe('logLimit');
  });

  it('substitutes inputs in the command, arguments and working directory, once', async () => {
    const inputs = {
      script: 'console.log(JSON.stringify({ got: process.argv[1], cwd: process.cwd() }))',
      who: '${inputs.script}',
      dir: '/tmp',
      node: process.execPath,
    };
    const step: FlowStep = { run: { command: '${inputs.node}', args: ['-e', '${inputs.script}', 'hi ${inputs.who}'], workingDirectory: '${inputs.dir}' } };
    const result = await executeFlow({ steps: [step] }, context({ inputs }));
    expect(result).toMatchObject({ outcome: 'Succeeded', outputs: { got: 'hi ${inputs.script}', cwd: '/tmp' } });
  });

  it('fails InputMissing on a reference to an input the run lacks, before starting anything', async () => {
    const result = await executeFlow({ steps: [{ run: { command: process.execPath, args: ['${inputs.nope}'] } }] }, context({ inputs: { other: 'x' } }));
    expect(result).toMatchObject({ outcome: 'Failed', error: { code: 'InputMissing' } });
    expect(result.logs[0]?.exitCode).toBeUndefined();
  });

  it('fails InvalidCredentials when the account does not log on, starting nothing', async () => {
    const wrong = { username: account.username, password: 'outdated-Passw0rd!' };
    const result = await executeFlow({ steps: [{ output: { name: 'a', value: '1' } }, node('console.log("ran")')] }, context({ account: wrong }));
    expect(result).toMatchObject({ outcome: 'Failed', error: { code: 'InvalidCredentials' }, outputs: { a: '1' } });
    expect(JSON.stringify(result)).not.toContain('outdated-Passw0rd!');
    expect(JSON.stringify(result)).not.toContain('ran');
  });

  it('never lets the account password into logs or errors, even when a process echoes it', async () => {
    const step = node(`console.log("pw=" + process.argv[1]); console.error("pw=" + process.argv[1]); process.exit(1)`, { args: ['${inputs.pw}'] });
    const result = await executeFlow({ steps: [step] }, context({ inputs: { pw: account.password } }));
    expect(result.outcome).toBe('Failed');
    const text = JSON.stringify(result);
    expect(text).not.toContain(account.password);
    expect(text).toContain('pw=***');
  });

  it('fails a powershell step with StepNotSupported off Windows', async () => {
    const result = await executeFlow({ steps: [{ powershell: { script: 'Write-Output 1' } }] }, context({ platform: 'linux' }));
    expect(result).toMatchObject({ outcome: 'Failed', error: { code: 'StepNotSupported' } });
  });
});
