import type { Container, SqlQuerySpec } from '@azure/cosmos';
import type { GroupRunCounts, RunCounts } from '../../app/runs/run-counts.js';

const UNFINISHED = "SELECT VALUE COUNT(1) FROM c WHERE c.environmentId = @env AND c.type = 'run' AND c.state IN ('Queued', 'Running')";
const OF_GROUP = "SELECT VALUE COUNT(1) FROM c WHERE c.environmentId = @env AND c.type = 'run' AND c.groupId = @group AND c.state = @state";
const HIGH_OF_GROUP = `${OF_GROUP} AND c.priority = 'High'`;

/**
 * Queued and running runs per group of one environment, from the runs container (its key prefix `[environmentId]`),
 * by index-only `COUNT` aggregates, so that the cost does not grow with the queue (issue 19): one query for the whole
 * environment, and when it has unfinished runs, three per group (running, queued, queued High). The query engines we
 * run against locally have no GROUP BY, hence per-group queries rather than one grouped one.
 */
export class CosmosRunCounts implements RunCounts {
  constructor(private readonly runs: Container) {}

  private async count(environmentId: string, query: SqlQuerySpec): Promise<number> {
    const { resources } = await this.runs.items.query<number>(query, { partitionKey: [environmentId] }).fetchAll();
    return resources[0] ?? 0;
  }

  unfinishedTotal(environmentId: string): Promise<number> {
    return this.count(environmentId, { query: UNFINISHED, parameters: [{ name: '@env', value: environmentId }] });
  }

  async countsFor(environmentId: string, groupIds: readonly string[]): Promise<Record<string, GroupRunCounts>> {
    const env = { name: '@env', value: environmentId };
    if (groupIds.length === 0 || (await this.unfinishedTotal(environmentId)) === 0) return {};
    const counted = await Promise.all(
      groupIds.map(async (groupId) => {
        const group = { name: '@group', value: groupId };
        const [running, queued, queuedHigh] = await Promise.all([
          this.count(environmentId, { query: OF_GROUP, parameters: [env, group, { name: '@state', value: 'Running' }] }),
          this.count(environmentId, { query: OF_GROUP, parameters: [env, group, { name: '@state', value: 'Queued' }] }),
          this.count(environmentId, { query: HIGH_OF_GROUP, parameters: [env, group, { name: '@state', value: 'Queued' }] }),
        ]);
        return [groupId, { running, queued, queuedHigh }] as const;
      }),
    );
    return Object.fromEntries(counted.filter(([, c]) => c.running + c.queued > 0));
  }
}
