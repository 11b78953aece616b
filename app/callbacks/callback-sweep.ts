import { errorMessage } from '../../domain/errors/error-probe.js';
import type { RunStore } from '../runs/run-store.js';
import type { RunCallbacks } from './run-callbacks.js';

/** What the sweep reads: every environment, and the runs whose callback is still Pending. */
export interface CallbackSweepPorts {
  environmentIds(): Promise<string[]>;
  runs: Pick<RunStore, 'queries'>;
}

const PAGE_SIZE = 100;

/**
 * Starts the delivery of every ended run whose callback is still Pending and whose delivery is not running: the
 * callback is written Pending with the run (at submission), so a host that died right after a run ended loses
 * nothing; the next sweep starts its delivery. One query per environment (index: `callback.state`, `state`).
 * A start that fails does not hold up the rest: the sweep goes on, and fails at the end naming how many it could not
 * start (they stay Pending for the next sweep).
 */
export async function sweepPendingCallbacks(deps: CallbackSweepPorts, callbacks: RunCallbacks): Promise<{ started: number }> {
  let started = 0;
  const failures: string[] = [];
  for (const environmentId of await deps.environmentIds()) {
    let continuationToken: string | undefined;
    do {
      const page = await deps.runs.queries.pendingCallbacks(environmentId, { pageSize: PAGE_SIZE, continuationToken });
      for (const run of page.items) {
        try {
          await callbacks.ensureStarted(run);
          started++;
        } catch (err) {
          failures.push(`run ${run.id}: ${errorMessage(err).slice(0, 200)}`);
        }
      }
      continuationToken = page.continuationToken;
    } while (continuationToken);
  }
  if (failures.length > 0) {
    throw new Error(`${failures.length} of ${failures.length + started} callback deliveries could not be started (${started} were); first: ${failures[0]}`);
  }
  return { started };
}
