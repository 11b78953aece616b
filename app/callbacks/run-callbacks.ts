import type { RunDocument } from '../../domain/run.js';

/**
 * The port that starts a run's callback delivery (a Durable orchestration `callback-{runId}`). Idempotent: a
 * delivery already running is left alone. Adapter: `durableRunCallbacks` (orchestrations/run-callback.ts).
 */
export interface RunCallbacks {
  ensureStarted(run: Pick<RunDocument, 'id' | 'environmentId'>): Promise<void>;
}
