import type { DocumentStore } from '../ports/document-store.js';
import type { RunStore } from './run-store.js';
import type { BotDocument } from '../../domain/bot.js';
import type { RunDocument } from '../../domain/run.js';

/** What telling whether a new run needs a planning round reads. */
export interface RoundNeededPorts {
  botStore: DocumentStore;
  runs: RunStore;
}

/**
 * Whether a new run needs a planning round: not when its group's idle bots (none with a run, a release or a drain
 * pending) are at least its queued runs, this one included. Those bots take the runs straight from the group's queue
 * and the plan would not change, so the submit skips the round's executions and reads (issue #19, per-run cost).
 * - A queue already longer than the group's maxBots cannot be covered by idle bots: no read at all (a backlog costs
 *   nothing more per submit).
 * - Otherwise the Ready bots are read after the run was written. When the runs queued before it and this one
 *   outnumber them, the round is needed without a count (every bot busy: the common case under load). A run claimed
 *   meanwhile can only make that an extra round, never a missed one.
 * - Only when the idle bots might cover the queue is it counted again, after the write, so of two racing submits the
 *   later one sees both runs; and the controller's periodic round plans anyway.
 */
export async function roundNeededFor(
  deps: RoundNeededPorts,
  run: Pick<RunDocument, 'environmentId' | 'groupId'>,
  group: { maxBots: number; queuedBefore: number },
): Promise<boolean> {
  if (group.queuedBefore + 1 > group.maxBots) return true;
  const ready = await deps.botStore.list<BotDocument>(run.environmentId, 'bot', {
    where: { groupId: run.groupId, state: 'Ready' },
    orderBy: 'createdAt',
    descending: true,
    pageSize: 1000,
  });
  const takers = ready.items.filter((b) => b.releaseRequested === undefined && b.drainRequested === undefined && b.currentRunId === undefined).length;
  if (group.queuedBefore + 1 > takers) return true;
  return (await deps.runs.queries.queuedCount(run.environmentId, run.groupId)) > takers;
}
