import { describe, expect, it } from 'vitest';
import type { ProcessLimits, ProcessResult, ProcessSpec } from '../../../../agent/steps/process-runner.js';
import { BoundedText } from '../../../../agent/steps/bounded-text.js';
import {
  LAUNCHER_SCRIPT,
  launcherSpec,
  LOGON_FAILED_EXIT_CODE,
  quoteWindowsArgument,
  WindowsAccountLogon,
} from '../../../../agent/steps/windows-account-logon.js';

const account = { username: 'rpa-runner', password: 'S3cret "Passw0rd"!' };

/** The Windows logon cannot start a process with credentials here; these check what it would start. */
describe('the Windows logon', () => {
  it.each([
    ['plain', 'plain'],
    ['', '""'],
    ['two words', '"two words"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['C:\\dir with space\\', '"C:\\dir with space\\\\"'],
    ['a\\\\"b', '"a\\\\\\\\\\"b"'],
  ])('quotes %j as the C runtime parses it', (arg, quoted) => {
    expect(quoteWindowsArgument(arg)).toBe(quoted);
  });

  it('puts the password on stdin only, never on the command line', () => {
    const spec = launcherSpec({ command: 'C:\\tools\\post.exe', args: ['--invoice', 'INV 1'], cwd: 'C:\\work', stdin: 'data' }, account);
    expect(spec.command).toBe('powershell.exe');
    expect(spec.args.join(' ')).not.toContain('Passw0rd');
    const decoded = Buffer.from(spec.args.at(-1) ?? '', 'base64').toString('utf16le');
    expect(decoded).toBe(LAUNCHER_SCRIPT);
    expect(decoded).not.toContain('Passw0rd');
    expect(JSON.parse(spec.stdin ?? '')).toEqual({
      username: 'rpa-runner',
      password: account.password,
      command: 'C:\\tools\\post.exe',
      argumentLine: '--invoice "INV 1"',
      workingDirectory: 'C:\\work',
      stdin: 'data',
    });
  });

  function fakeRun(exitCode: number) {
    const calls: ProcessSpec[] = [];
    const run = (spec: ProcessSpec, _limits: ProcessLimits): Promise<ProcessResult> => {
      calls.push(spec);
      return Promise.resolve({ ending: 'exited', exitCode, stdout: new BoundedText(0, 0), stderr: new BoundedText(0, 100) });
    };
    return { calls, run };
  }

  it('checks the account at logon and wraps each step in the launcher', async () => {
    const { calls, run } = fakeRun(0);
    const session = await new WindowsAccountLogon(run).logon(account);
    expect(calls).toHaveLength(1);
    expect(JSON.parse(calls[0]?.stdin ?? '')).toMatchObject({ command: 'cmd.exe', argumentLine: '/d /c "exit 0"' });
    expect(session.asAccount({ command: 'robot.exe', args: [] }).command).toBe('powershell.exe');
  });

  it('fails InvalidCredentials when the logon fails', async () => {
    await expect(new WindowsAccountLogon(fakeRun(LOGON_FAILED_EXIT_CODE).run).logon(account)).rejects.toMatchObject({ code: 'InvalidCredentials' });
  });
});
