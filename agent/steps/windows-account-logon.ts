import type { AccountLogon, AccountSession, RunAccount } from './account-logon.js';
import type { ProcessLimits, ProcessResult, ProcessSpec } from './process-runner.js';
import { STEP_ERROR_CODES, StepError } from './step-errors.js';

/** Win32 ERROR_LOGON_FAILURE: the launcher exits with it when the account does not log on. */
export const LOGON_FAILED_EXIT_CODE = 1326;

/**
 * Runs inside `powershell.exe -EncodedCommand` (so the script is no secret and holds none). It reads one JSON request
 * from stdin (user, password, program, argument line, working directory, stdin text), starts the program with the
 * account's credentials (`Start-Process -Credential`, i.e. CreateProcessWithLogonW), relays its stdout/stderr and
 * exits with its exit code, or with 1326 when the logon fails.
 */
export const LAUNCHER_SCRIPT = String.raw`$ErrorActionPreference = 'Stop'
$request = [Console]::In.ReadToEnd() | ConvertFrom-Json
$secure = ConvertTo-SecureString -String $request.password -AsPlainText -Force
$credential = New-Object System.Management.Automation.PSCredential($request.username, $secure)
$out = New-TemporaryFile; $err = New-TemporaryFile; $in = New-TemporaryFile
try {
  [IO.File]::WriteAllText($in.FullName, [string]$request.stdin)
  $start = @{ FilePath = $request.command; Credential = $credential; Wait = $true; PassThru = $true; NoNewWindow = $true
    RedirectStandardOutput = $out.FullName; RedirectStandardError = $err.FullName; RedirectStandardInput = $in.FullName }
  if ($request.argumentLine) { $start.ArgumentList = $request.argumentLine }
  if ($request.workingDirectory) { $start.WorkingDirectory = $request.workingDirectory }
  try { $process = Start-Process @start } catch {
    if ($_.Exception.NativeErrorCode -eq 1326 -or $_.Exception.InnerException.NativeErrorCode -eq 1326) { [Console]::Error.WriteLine('logon failed'); exit 1326 }
    throw
  }
  [Console]::Out.Write([IO.File]::ReadAllText($out.FullName))
  [Console]::Error.Write([IO.File]::ReadAllText($err.FullName))
  exit $process.ExitCode
} finally { Remove-Item $out, $err, $in -ErrorAction SilentlyContinue }
`;

/** Quotes one argument as the Windows C runtime parses a command line (CommandLineToArgvW rules). */
export function quoteWindowsArgument(arg: string): string {
  if (arg !== '' && !/[\s"]/.test(arg)) return arg;
  let out = '"';
  let backslashes = 0;
  for (const ch of arg) {
    if (ch === '\\') {
      backslashes += 1;
    } else if (ch === '"') {
      out += '\\'.repeat(backslashes * 2 + 1) + '"';
      backslashes = 0;
    } else {
      out += '\\'.repeat(backslashes) + ch;
      backslashes = 0;
    }
  }
  return `${out}${'\\'.repeat(backslashes * 2)}"`;
}

/**
 * What starts `spec` as `account`: the launcher, its script Base64-encoded (UTF-16LE, as -EncodedCommand wants) on the
 * command line, and the request with the password on stdin only: no secret on any command line.
 */
export function launcherSpec(spec: ProcessSpec, account: RunAccount): ProcessSpec {
  const encoded = Buffer.from(LAUNCHER_SCRIPT, 'utf16le').toString('base64');
  const request = {
    username: account.username,
    password: account.password,
    command: spec.command,
    argumentLine: spec.args.map(quoteWindowsArgument).join(' '),
    workingDirectory: spec.cwd ?? '',
    stdin: spec.stdin ?? '',
  };
  return {
    command: 'powershell.exe',
    args: ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand', encoded],
    stdin: JSON.stringify(request),
  };
}

export type RunProcess = (spec: ProcessSpec, limits: ProcessLimits) => Promise<ProcessResult>;

const LOGON_CHECK_LIMITS: ProcessLimits = { timeoutMs: 60_000, cancelled: () => false, killGraceMs: 1_000, stdoutHeadBytes: 0, tailBytes: 4096 };

/**
 * A Windows bot's logon: checks the account by starting `cmd.exe /c exit 0` as it, then starts each step's process
 * with the account's credentials through the launcher. Not testable off Windows (see docs/agent-steps.md).
 */
export class WindowsAccountLogon implements AccountLogon {
  constructor(private readonly run: RunProcess) {}

  async logon(account: RunAccount | undefined): Promise<AccountSession> {
    if (!account) throw new StepError(STEP_ERROR_CODES.invalidCredentials, 'The run carries no account to log on with.');
    const check = await this.run(launcherSpec({ command: 'cmd.exe', args: ['/d', '/c', 'exit 0'] }, account), LOGON_CHECK_LIMITS);
    if (check.exitCode === LOGON_FAILED_EXIT_CODE) {
      throw new StepError(
        STEP_ERROR_CODES.invalidCredentials,
        "The connection's account did not log on at the bot: wrong user name or password (outdated after a rotation?).",
      );
    }
    if (check.exitCode !== 0) {
      throw new StepError(
        STEP_ERROR_CODES.stepFailed,
        `Starting a process as ${account.username} failed (exit code ${String(check.exitCode)}): ${check.stderr.tail(1024)}`,
      );
    }
    return { asAccount: (spec) => launcherSpec(spec, account) };
  }
}
