import { cancelledWhileQueued, type RunDocument, type RunError } from '../../domain/run.js';
import { AppError } from '../../domain/errors/app-error.js';
import { observeRunChange } from '../observability/run-telemetry.js';
import { StalePreconditionError, type Versioned } from '../ports/document-store.js';
import { findRun } from './load-run.js';
import type { RunStore } from './run-store.js';

/** What changing a run needs. */
export interface RunChangePorts {
  runs: RunStore;
  now(): Date;
}

const ATTEMPTS = 8;

export interface RunChange {
  run: Versioned<RunDocument>;
  /** false when `decide` left the run as it was */
  changed: boolean;
}

/**
 * Applies a decision to a run with optimistic concurrency: `decide` sees the current run and answers the next
 * version, or undefined to leave it; on a lost race (412) the run is read again and decided again. `decide` must be
 * pure (it may run more than once) and may throw an AppError to refuse.
 */
export async function changeRun(
  deps: RunChangePorts,
  start: Versioned<RunDocument>,
  decide: (run: Versioned<RunDocument>, now: Date) => RunDocument | undefined,
): Promise<RunChange> {
  let current: Versioned<RunDocument> | undefined = start;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    if (!current) throw AppError.notFound('Run');
    const next = decide(current, deps.now());
    if (!next) return { run: current, changed: false };
    try {
      return { run: observeRunChange(current, await deps.runs.docs.replace(next, current.etag)), changed: true };
    } catch (err) {
      if (!(err instanceof StalePreconditionError)) throw err;
      current = await findRun(deps, start.environmentId, start.id);
    }
  }
  throw new AppError('Conflict', 'The run is being changed by other requests; retry.');
}

/** Ends a run that is still queued as Cancelled with the given error; any other state is left alone. */
export function endQueuedRun(deps: RunChangePorts, run: Versioned<RunDocument>, error: RunError): Promise<RunChange> {
  return changeRun(deps, run, (current, now) => (current.state === 'Queued' ? cancelledWhileQueued(current, error, now) : undefined));
}
