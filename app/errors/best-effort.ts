import { errorMessage } from '../../domain/errors/error-probe.js';
import { workerLog, type WorkerLog } from '../ports/worker-log.js';

/** Where a best-effort failure is reported. */
export type FailureLog = WorkerLog;

/**
 * Awaits a step whose failure must not change the outcome: an undo after a failed write (the write's own failure
 * is what the caller sees), a cleanup a sweep repeats, a hint such as a wake-up. The failure is logged with what
 * was being done, never thrown and never silent.
 */
export async function bestEffort(step: Promise<unknown> | (() => Promise<unknown>), what: string, log: FailureLog = workerLog): Promise<void> {
  try {
    await (typeof step === 'function' ? step() : step);
  } catch (err) {
    log(`best effort failed: ${what}: ${errorMessage(err).slice(0, 300)}`);
  }
}
