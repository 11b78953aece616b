import type { StepLog } from '../../protocol/agent-protocol.js';
import { redact } from './redact.js';

/** The last `maxBytes` of `text` (UTF-8), marked when cut. */
export function tailOf(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  return `…${bytes
    .subarray(bytes.length - maxBytes)
    .toString('utf8')
    .replace(/^\uFFFD+/, '')}`;
}

/** half of a stream's tail, or nothing once it is short */
function halved(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const bytes = Buffer.byteLength(text, 'utf8');
  return bytes < 64 ? '' : tailOf(text, Math.floor(bytes / 2));
}

const bytesOf = (log: StepLog) => Buffer.byteLength(JSON.stringify(log), 'utf8');
/** room kept for the last entry, saying how many logs were left out */
const RESERVE_BYTES = 200;

/**
 * A run's step logs, bounded per step and in all, with the account's password replaced wherever it shows.
 * Once the run's bound is reached, later steps' logs are left out and counted.
 */
export class StepLogBook {
  readonly #logs: StepLog[] = [];
  #bytes = 0;
  #leftOut = 0;

  constructor(
    private readonly limits: { stepLogBytes: number; runLogBytes: number },
    private readonly secrets: readonly string[],
  ) {}

  add(log: StepLog): void {
    const clean = this.#bounded(this.#redacted(log));
    const bytes = bytesOf(clean);
    if (this.#leftOut > 0 || this.#bytes + bytes > this.limits.runLogBytes - RESERVE_BYTES) {
      this.#leftOut += 1;
      return;
    }
    this.#logs.push(clean);
    this.#bytes += bytes;
  }

  entries(): StepLog[] {
    if (this.#leftOut === 0) return [...this.#logs];
    return [
      ...this.#logs,
      {
        step: -1,
        kind: 'logLimit',
        durationMs: 0,
        error: `${this.#leftOut} more step log(s) left out: a run keeps at most ${this.limits.runLogBytes} bytes of logs.`,
      },
    ];
  }

  #redacted(log: StepLog): StepLog {
    const out: StepLog = { ...log };
    if (out.command !== undefined) out.command = redact(out.command, this.secrets);
    if (out.stdout !== undefined) out.stdout = redact(out.stdout, this.secrets);
    if (out.stderr !== undefined) out.stderr = redact(out.stderr, this.secrets);
    if (out.error !== undefined) out.error = redact(out.error, this.secrets);
    return out;
  }

  /** command ≤ 1/8, error ≤ 1/8, stdout and stderr ≤ 3/8 each of the step's bound */
  #bounded(log: StepLog): StepLog {
    const eighth = Math.floor(this.limits.stepLogBytes / 8);
    const out: StepLog = { ...log };
    if (out.command !== undefined) out.command = tailOf(out.command, eighth);
    if (out.error !== undefined) out.error = tailOf(out.error, eighth);
    if (out.stdout !== undefined) out.stdout = tailOf(out.stdout, eighth * 3 - 64);
    if (out.stderr !== undefined) out.stderr = tailOf(out.stderr, eighth * 3 - 64);
    // JSON escapes (control characters) can make text longer than its bytes: halve the streams until it fits
    while (bytesOf(out) > this.limits.stepLogBytes && (out.stdout || out.stderr)) {
      out.stdout = halved(out.stdout);
      out.stderr = halved(out.stderr);
    }
    return out;
  }
}
