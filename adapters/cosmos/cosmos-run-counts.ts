import type { Container, SqlQuerySpec } from '@azure/cosmos';
import type { GroupRunCounts, RunCounts } from '../../app/runs/run-counts.js';

const UNFINISHED = "SELECT VALUE COUNT(1) FROM c WHERE c.environmentId = @env AND c.type = 'run' AND c.state IN ('Queued', 'Running')";
const OF_GROUP = "SELECT VALUE COUNT(1) FROM c WHERE c.environmentId = @env AND c.type = 'run' AND c.groupId = @group AND c.state = @state";
const HIGH_OF_GROUP = `${OF_GROUP} AND c.priority = 'High'`;
/** the first queued run in dispatch order (`dispatchKeyOf`: moved-to-top runs, then High, then the others) */
const FIRST_QUEUED =
  "SELECT TOP 1 c.priority, c.movedToTopAt, c.queuedAt FROM c WHERE c.environmentId = @env AND c.type = 'run' AND c.groupId = @group AND c.state = 'Queued' ORDER BY c.dispatchKey ASC";

interface FirstQueued {
  priority: string;
  movedToTopAt?: string;
  queuedAt: string;
}

/**
 * Queued and running runs per group of one environment, from the runs container (its key prefix `[environmentId]`),
 * by index-only `COUNT` aggregates and one indexed TOP 1, so that the cost does not grow with the queue (issue 19): one
 * query for the whole environment, and when it has unfinished runs, three per group together (running, queued, the
 * first queued run in dispatch order). The High ones are counted only where that first run is High or moved to the top:
 * High runs dispatch before all others, so a first run of another priority, not moved, means none is queued. The query
 * engines we run against locally have no GROUP BY, hence per-group queries rather than one grouped one.
 */
export class CosmosRunCounts implements RunCounts {
  constructor(private readonly runs: Container) {}

  private async count(environmentId: string, query: SqlQuerySpec): Promise<number> {
    const { resources } = await this.runs.items.query<number>(query, { partitionKey: [environmentId] }).fetchAll();
    return resources[0] ?? 0;
  }

  private async firstQueued(environmentId: string, query: SqlQuerySpec): Promise<FirstQueued | undefined> {
    const { resources } = await this.runs.items.query<FirstQueued>(query, { partitionKey: [environmentId] }).fetchAll();
    return resources[0];
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
        const queuedState = { name: '@state', value: 'Queued' };
        const [running, queued, first] = await Promise.all([
          this.count(environmentId, { query: OF_GROUP, parameters: [env, group, { name: '@state', value: 'Running' }] }),
          this.count(environmentId, { query: OF_GROUP, parameters: [env, group, queuedState] }),
          this.firstQueued(environmentId, { query: FIRST_QUEUED, parameters: [env, group] }),
        ]);
        const highCannotBeQueued = queued === 0 || (first !== undefined && first.priority !== 'High' && first.movedToTopAt === undefined);
        const queuedHigh = highCannotBeQueued ? 0 : await this.count(environmentId, { query: HIGH_OF_GROUP, parameters: [env, group, queuedState] });
        const counts: GroupRunCounts = { running, queued, queuedHigh, ...(queued > 0 && first !== undefined ? { oldestQueuedAt: first.queuedAt } : {}) };
        return [groupId, counts] as const;
      }),
    );
    return Object.fromEntries(counted.filter(([, c]) => c.running + c.queued > 0));
  }
}
