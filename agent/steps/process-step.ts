import type { PowerShellStep, RunStep, StepLog } from '../../protocol/agent-protocol.js';
import type { AccountSession } from './account-logon.js';
import { runProcess, type ProcessResult, type ProcessSpec } from './process-runner.js';
import { redact } from './redact.js';
import { STEP_ERROR_CODES, StepError } from './step-errors.js';
import type { StepLimits } from './step-limits.js';
import { tailOf } from './step-logs.js';
import { oversizedJsonStdout, outputsFromStdout } from './step-outputs.js';

/** room above a tail's bound so that a password cut at the tail's start can still be recognised and redacted */
const REDACTION_MARGIN_BYTES = 1024;

export interface ProcessStepResult {
  /** how the step ended; 'ok' gives outputs, 'failed' an error */
  ending: 'ok' | 'cancelled' | 'failed';
  error?: StepError;
  outputs: Record<string, string>;
  log: Omit<StepLog, 'step' | 'durationMs'>;
}

export interface ProcessStepContext {
  session: AccountSession;
  cancelled: () => boolean;
  limits: StepLimits;
  secrets: readonly string[];
}

/** What a `run` step starts: its command and arguments as given, never through a shell. */
export function runStepSpec(step: RunStep): ProcessSpec {
  return { command: step.command, args: step.args ?? [], cwd: step.workingDirectory };
}

/** What a `powershell` step starts: the script on stdin, so that no part of it is parsed as a command line. */
export function powerShellSpec(step: PowerShellStep): ProcessSpec {
  return { command: 'powershell.exe', args: ['-NoProfile', '-NonInteractive', '-Command', '-'], stdin: step.script };
}

/**
 * Runs a step's process as the session's account and reads its outcome: exit code 0 gives the outputs of its stdout;
 * anything else gives a StepError (StepFailed with stderr's tail, StepTimedOut, OutputsTooLarge). A cancel gives 'cancelled'.
 */
export async function executeProcessStep(spec: ProcessSpec, timeoutSeconds: number | undefined, context: ProcessStepContext): Promise<ProcessStepResult> {
  const { limits } = context;
  const timeoutMs = (timeoutSeconds ?? limits.defaultTimeoutSeconds) * 1000;
  const result = await runProcess(context.session.asAccount(spec), {
    timeoutMs,
    cancelled: context.cancelled,
    killGraceMs: limits.killGraceMs,
    stdoutHeadBytes: limits.stdoutCaptureBytes,
    tailBytes: Math.max(limits.stderrTailBytes, limits.stepLogBytes) + REDACTION_MARGIN_BYTES,
  });
  const stderrTail = tailOf(redact(result.stderr.tail(), context.secrets), limits.stderrTailBytes);
  const log = {
    kind: 'process',
    command: [spec.command, ...spec.args].join(' '),
    exitCode: result.exitCode,
    stdout: redact(result.stdout.tail(), context.secrets),
    stderr: stderrTail,
  };
  if (result.ending === 'cancelled') return { ending: 'cancelled', outputs: {}, log: { ...log, error: 'Cancelled: the process was killed.' } };
  const error = errorOf(result, timeoutMs, stderrTail);
  if (error) return { ending: 'failed', error, outputs: {}, log: { ...log, error: `${error.code}: ${error.message}` } };
  const stdout = result.stdout.whole();
  if (stdout !== undefined) return { ending: 'ok', outputs: outputsFromStdout(stdout), log };
  // longer than we hold: no outputs, unless it is JSON, which would certainly be over the outputs' limit
  const tooLarge = oversizedJsonStdout(result.stdout.head(), result.stdout.totalBytes);
  if (tooLarge) return { ending: 'failed', error: tooLarge, outputs: {}, log: { ...log, error: `${tooLarge.code}: ${tooLarge.message}` } };
  return { ending: 'ok', outputs: {}, log };
}

function errorOf(result: ProcessResult, timeoutMs: number, stderrTail: string): StepError | undefined {
  switch (result.ending) {
    case 'notStarted':
      return new StepError(STEP_ERROR_CODES.stepFailed, `The process could not start: ${result.startError ?? 'unknown error'}.`);
    case 'timedOut':
      return new StepError(STEP_ERROR_CODES.stepTimedOut, `The process ran longer than its timeout (${timeoutMs / 1000} s) and was killed.`);
    default:
      if (result.exitCode === 0) return undefined;
      return new StepError(
        STEP_ERROR_CODES.stepFailed,
        `The process ${result.exitCode === null ? 'was ended by a signal' : `exited with code ${result.exitCode}`}.${stderrTail ? ` stderr (tail): ${stderrTail}` : ''}`,
      );
  }
}
