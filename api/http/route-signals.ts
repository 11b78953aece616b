import type { RunDocument } from '../../domain/run.js';

/**
 * What routes signal to the orchestrations after their change, declared where they consume it, so that shared/
 * never imports orchestrations/. Adapter: `durableRouteSignals` (orchestrations/activities/durable-route-signals.ts),
 * handed in by functions/api.ts.
 */
export interface RouteSignals {
  /** the environment's controller replans (coalesced per process) */
  wakeController(environmentId: string): Promise<void>;
  /** a leaving bot's lifecycle waits for its run to end */
  runFinished(botId: string, runId: string): Promise<void>;
  /** the run-ended hook: starts the run's callback delivery when it ended with a callback pending (best effort) */
  afterRunEnded(baseSeconds: number, run: Pick<RunDocument, 'id' | 'environmentId' | 'state' | 'callback'>): Promise<void>;
}
