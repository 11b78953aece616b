import type { Container } from '@azure/cosmos';
import type { GroupRunCounts, RunCounts } from '../services/groups/run-counts.js';

/**
 * Queued and running runs per group of one environment, from the `runs` container (partitioned by
 * `/environmentId`): one in-partition query over the unfinished runs, counted here because the query
 * engines we run against locally have no GROUP BY.
 */
export class CosmosRunCounts implements RunCounts {
  constructor(private readonly runs: Container) {}

  async countsFor(environmentId: string): Promise<Record<string, GroupRunCounts>> {
    const { resources } = await this.runs.items
      .query<{ groupId?: unknown; state?: unknown; priority?: unknown }>(
        {
          query: "SELECT c.groupId, c.state, c.priority FROM c WHERE c.environmentId = @env AND c.type = 'run' AND c.state IN ('Queued', 'Running')",
          parameters: [{ name: '@env', value: environmentId }],
        },
        { partitionKey: environmentId },
      )
      .fetchAll();
    const counts: Record<string, GroupRunCounts> = {};
    for (const { groupId, state, priority } of resources) {
      if (typeof groupId !== 'string') continue;
      const entry = (counts[groupId] ??= { running: 0, queued: 0, queuedHigh: 0 });
      if (state === 'Running') entry.running++;
      else if (state === 'Queued') {
        entry.queued++;
        if (priority === 'High') entry.queuedHigh++;
      }
    }
    return counts;
  }
}
