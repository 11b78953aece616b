import { RUN_ERROR_CODES, type RunDocument } from '../../domain/run.js';
import type { Versioned } from '../ports/document-store.js';
import { endQueuedRun, type RunChange, type RunChangePorts } from './transitions.js';

const BATCH = 50;

/** A run still queued on a group that was deleted (by a user, or marked by the inactivity cleanup) ends Cancelled. */
export function cancelForDeletedGroup(deps: RunChangePorts, run: Versioned<RunDocument>): Promise<RunChange> {
  return endQueuedRun(deps, run, { code: RUN_ERROR_CODES.groupDeleted, message: 'The group was deleted before the run started.' });
}

/**
 * A user deletes a group: every run still queued on it ends Cancelled (`GroupDeleted`), batch after batch in
 * dispatch order, until none is left. Running runs are left to finish on their bots. Answers how many it cancelled.
 */
export async function cancelQueuedRunsOfGroup(deps: RunChangePorts, environmentId: string, groupId: string): Promise<number> {
  let cancelled = 0;
  for (;;) {
    const batch = await deps.runs.queries.nextQueued(environmentId, groupId, BATCH);
    if (batch.length === 0) return cancelled;
    const results = await Promise.all(batch.map((run) => cancelForDeletedGroup(deps, run)));
    cancelled += results.filter((r) => r.changed).length;
  }
}
