import { spawn, type ChildProcess } from 'node:child_process';
import { BoundedText } from './bounded-text.js';
import { messageOf } from './step-errors.js';

/** What to start: a program and its arguments, never through a shell. */
export interface ProcessSpec {
  command: string;
  args: readonly string[];
  cwd?: string | undefined;
  /** written to the process's stdin, which is then closed */
  stdin?: string | undefined;
}

export interface ProcessLimits {
  timeoutMs: number;
  /** polled every 100 ms while the process runs */
  cancelled: () => boolean;
  /** how long a process has between SIGTERM and SIGKILL */
  killGraceMs: number;
  /** stdout kept whole up to this, for its JSON outputs */
  stdoutHeadBytes: number;
  /** tail of stdout and stderr kept for logs and error messages */
  tailBytes: number;
}

export interface ProcessResult {
  /** how it ended: on its own, killed at its timeout, killed on a cancel, or never started */
  ending: 'exited' | 'timedOut' | 'cancelled' | 'notStarted';
  exitCode: number | null;
  stdout: BoundedText;
  stderr: BoundedText;
  startError?: string;
}

const POLL_MS = 100;
/** after the process exits, how long its pipes may stay open (a grandchild holding them) before we stop reading */
const DRAIN_MS = 1_000;

/**
 * Runs a process to its end, its timeout or a cancel. On POSIX it leads its own process group, so that a kill
 * reaches the whole tree (SIGTERM, then SIGKILL after the grace); on Windows `taskkill /T /F` ends the tree.
 * Memory stays bounded whatever the process writes.
 */
export async function runProcess(spec: ProcessSpec, limits: ProcessLimits): Promise<ProcessResult> {
  const stdout = new BoundedText(limits.stdoutHeadBytes, limits.tailBytes);
  const stderr = new BoundedText(0, limits.tailBytes);
  let child: ChildProcess;
  try {
    child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      shell: false,
      windowsHide: true,
      detached: process.platform !== 'win32',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (err) {
    return { ending: 'notStarted', exitCode: null, stdout, stderr, startError: messageOf(err) };
  }
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  // a process that exits without reading its stdin makes the write fail with EPIPE: not an error of the step
  child.stdin?.on('error', () => undefined);
  child.stdin?.end(spec.stdin ?? '');

  return await new Promise<ProcessResult>((resolve) => {
    let ending: ProcessResult['ending'] = 'exited';
    let exitCode: number | null = null;
    let exited = false;
    let startError: string | undefined;
    let settled = false;
    const started = Date.now();
    const finish = () => {
      if (settled) return;
      settled = true;
      clearInterval(watch);
      clearTimeout(killTimer);
      clearTimeout(drainTimer);
      if (ending !== 'exited') killTree(child, 'SIGKILL'); // stragglers of the tree
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolve({ ending, exitCode, stdout, stderr, ...(startError === undefined ? {} : { startError }) });
    };
    let killTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;
    const stop = (why: 'timedOut' | 'cancelled') => {
      if (ending !== 'exited' || exited) return;
      ending = why;
      killTree(child, 'SIGTERM');
      killTimer = setTimeout(() => killTree(child, 'SIGKILL'), limits.killGraceMs);
    };
    const watch = setInterval(() => {
      if (limits.cancelled()) stop('cancelled');
      else if (Date.now() - started >= limits.timeoutMs) stop('timedOut');
    }, POLL_MS);
    child.once('error', (err) => {
      // spawn failed (ENOENT, EACCES, bad cwd): no 'exit' follows
      if (child.pid === undefined) {
        ending = 'notStarted';
        startError = err.message;
        finish();
      }
    });
    child.once('exit', (code) => {
      exitCode = code;
      exited = true;
      drainTimer = setTimeout(finish, DRAIN_MS);
    });
    child.once('close', finish);
  });
}

function killTree(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    if (process.platform === 'win32') {
      spawn('taskkill', ['/pid', String(child.pid), '/T', '/F'], { windowsHide: true, stdio: 'ignore' }).on('error', () => undefined);
    } else {
      process.kill(-child.pid, signal);
    }
  } catch {
    // the group is already gone
  }
}
