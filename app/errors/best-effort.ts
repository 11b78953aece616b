import { errorMessage } from '../../domain/errors/error-probe.js';

/** Where a best-effort failure is reported. */
export type FailureLog = (line: string) => void;

// Services hold no invocation context; the Functions host keeps a worker's console output in its log (and
// Application Insights), so a failure seen here is never lost. The only console use in production code.
// eslint-disable-next-line no-console
const toConsole: FailureLog = (line) => console.warn(line);

/**
 * Awaits a step whose failure must not change the outcome: an undo after a failed write (the write's own failure
 * is what the caller sees), a cleanup a sweep repeats, a hint such as a wake-up. The failure is logged with what
 * was being done, never thrown and never silent.
 */
export async function bestEffort(step: Promise<unknown> | (() => Promise<unknown>), what: string, log: FailureLog = toConsole): Promise<void> {
  try {
    await (typeof step === 'function' ? step() : step);
  } catch (err) {
    log(`best effort failed: ${what}: ${errorMessage(err).slice(0, 300)}`);
  }
}
