import { EMPTY_STATS, type GroupScalingStats } from '../../domain/planner/group-stats.js';
import type { RunDocument } from '../../domain/run.js';
import type { RunStore } from '../runs/run-store.js';
import { DuplicateDocumentError, StalePreconditionError, type DocumentStore, type StoredDocument, type Versioned } from '../ports/document-store.js';

/** The stats documents live in the bots container; a write stamps them with the clock. */
export interface GroupStatsPorts {
  botStore: DocumentStore;
  now(): Date;
}

/** Ended runs are read from the runs container. */
export interface EndedRunPorts {
  runs: Pick<RunStore, 'docs'>;
}

/**
 * The stats the controller keeps per group (domain/planner/group-stats.ts), one document per group in the
 * bots container: read once per round for the whole environment, written by the round under the etag it read.
 */
export interface GroupScalingStatsDocument extends StoredDocument {
  type: 'groupScalingStats';
  groupId: string;
  stats: GroupScalingStats;
}

export const STATS_TYPE = 'groupScalingStats';

export const statsDocumentId = (groupId: string) => `scaling-stats-${groupId}`;

/** Every group's stats document of an environment, by group id (one query). */
export async function loadGroupStats(
  deps: Pick<GroupStatsPorts, 'botStore'>,
  environmentId: string,
): Promise<Map<string, Versioned<GroupScalingStatsDocument>>> {
  const { items } = await deps.botStore.list<GroupScalingStatsDocument>(environmentId, STATS_TYPE);
  return new Map(items.map((d) => [d.groupId, d]));
}

/** One group's stats, or the empty ones (the queue view). */
export async function groupStatsOf(deps: Pick<GroupStatsPorts, 'botStore'>, environmentId: string, groupId: string): Promise<GroupScalingStats> {
  const doc = await deps.botStore.get<GroupScalingStatsDocument>(environmentId, statsDocumentId(groupId));
  return doc?.stats ?? EMPTY_STATS;
}

/** The runs that ended since the last round, by point reads (absent ones skipped). */
export async function endedRuns(deps: EndedRunPorts, environmentId: string, runIds: readonly string[]): Promise<RunDocument[]> {
  const runs = await Promise.all(runIds.map((id) => deps.runs.docs.get<RunDocument>(environmentId, id)));
  return runs.filter((r): r is Versioned<RunDocument> => r !== undefined);
}

/**
 * Writes a group's new stats under the etag read at the start of the round. Losing a race (another round wrote
 * first) drops this round's observation: the stats are a learned estimate, and the next round observes again.
 */
export async function saveGroupStats(
  deps: GroupStatsPorts,
  environmentId: string,
  groupId: string,
  previous: Versioned<GroupScalingStatsDocument> | undefined,
  stats: GroupScalingStats,
): Promise<void> {
  if (previous !== undefined && JSON.stringify(previous.stats) === JSON.stringify(stats)) return;
  const at = deps.now().toISOString();
  try {
    if (previous === undefined) {
      await deps.botStore.create<GroupScalingStatsDocument>({
        id: statsDocumentId(groupId),
        environmentId,
        type: STATS_TYPE,
        groupId,
        stats,
        createdAt: at,
        updatedAt: at,
      });
    } else {
      await deps.botStore.replace<GroupScalingStatsDocument>({ ...previous, stats, updatedAt: at }, previous.etag);
    }
  } catch (err) {
    if (err instanceof StalePreconditionError || err instanceof DuplicateDocumentError) return;
    throw err;
  }
}
