import type { RunDocument } from '../../domain/run.js';

/**
 * The port submission uses to start a run's watchdog (a Durable orchestration that times the run out when it
 * stays queued too long or runs past its timeout). Adapters: `durableRunWatchdogs` (orchestrations/run-watchdog.ts).
 */
export interface RunWatchdogs {
  /** starts the run's watchdog unless one runs already (safe to call again on a replayed submission) */
  ensureStarted(run: Pick<RunDocument, 'id' | 'environmentId' | 'queuedAt' | 'timeoutMinutes'>): Promise<void>;
}
