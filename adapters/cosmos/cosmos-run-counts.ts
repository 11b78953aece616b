import type { Container, SqlQuerySpec } from '@azure/cosmos';
import { queuedAtOfDispatchKey } from '../../domain/run.js';
import type { GroupRunCounts, RunCounts, UnfinishedRuns } from '../../app/runs/run-counts.js';

const UNFINISHED = "SELECT VALUE COUNT(1) FROM c WHERE c.environmentId = @env AND c.type = 'run' AND c.state IN ('Queued', 'Running')";
/**
 * The environment's unfinished runs per group, state and priority: how many, and the first in dispatch order
 * (`dispatchKeyOf` sorts moved-to-top runs, then High, then the others, as strings): at most groups × 2 × 2 rows,
 * whatever the queue's length.
 */
export const UNFINISHED_BY_GROUP_SQL =
  "SELECT c.groupId, c.state, c.priority, COUNT(1) AS runs, MIN(c.dispatchKey) AS first FROM c WHERE c.environmentId = @env AND c.type = 'run' AND c.state IN ('Queued', 'Running') GROUP BY c.groupId, c.state, c.priority";

const ROWS_A_PAGE = 1_000;

interface UnfinishedRow {
  groupId: string;
  state: 'Queued' | 'Running';
  priority?: string;
  runs: number;
  first?: string;
}

/**
 * Queued and running runs per group of one environment, from the runs container (its key prefix `[environmentId]`),
 * so that the cost does not grow with the queue (issue 19): one GROUP BY of the environment's unfinished runs by group,
 * state and priority gives each group's queued, running and queued High runs and its first queued run in dispatch
 * order (the planner's oldest), in one query (with the SDK's query plan: three requests) for every group at once.
 * The planning round reads it beside its lists, so its counts are one read stage with them.
 */
export class CosmosRunCounts implements RunCounts {
  constructor(private readonly runs: Container) {}

  private query(environmentId: string, query: string): SqlQuerySpec {
    return { query, parameters: [{ name: '@env', value: environmentId }] };
  }

  async unfinishedTotal(environmentId: string): Promise<number> {
    const { resources } = await this.runs.items.query<number>(this.query(environmentId, UNFINISHED), { partitionKey: [environmentId] }).fetchAll();
    return resources[0] ?? 0;
  }

  async unfinishedRuns(environmentId: string): Promise<UnfinishedRuns> {
    // pages of ROWS_A_PAGE: the rows (at most 4 a group) of an environment are one page per partition key range.
    // Not -1 (the service's dynamic size): @azure/cosmos 4.9.3's GROUP BY pipeline never sends the query with it.
    const { resources } = await this.runs.items
      .query<UnfinishedRow>(this.query(environmentId, UNFINISHED_BY_GROUP_SQL), { partitionKey: [environmentId], maxItemCount: ROWS_A_PAGE })
      .fetchAll();
    const byGroup: Record<string, GroupRunCounts> = {};
    const firstKeys = new Map<string, string>();
    for (const row of resources) {
      const counts = (byGroup[row.groupId] ??= { running: 0, queued: 0, queuedHigh: 0 });
      if (row.state === 'Running') {
        counts.running += row.runs;
        continue;
      }
      counts.queued += row.runs;
      if (row.priority === 'High') counts.queuedHigh += row.runs;
      const known = firstKeys.get(row.groupId);
      if (row.first !== undefined && (known === undefined || row.first < known)) firstKeys.set(row.groupId, row.first);
    }
    for (const [groupId, key] of firstKeys) {
      const oldestQueuedAt = queuedAtOfDispatchKey(key);
      if (oldestQueuedAt !== undefined) (byGroup[groupId] as GroupRunCounts).oldestQueuedAt = oldestQueuedAt;
    }
    return { byGroup };
  }

  async countsFor(environmentId: string, groupIds: readonly string[], unfinished?: UnfinishedRuns): Promise<Record<string, GroupRunCounts>> {
    if (groupIds.length === 0) return {};
    const { byGroup } = unfinished ?? (await this.unfinishedRuns(environmentId));
    const out: Record<string, GroupRunCounts> = {};
    for (const groupId of groupIds) {
      const counts = byGroup[groupId];
      if (counts !== undefined && counts.running + counts.queued > 0) out[groupId] = { ...counts };
    }
    return out;
  }
}
