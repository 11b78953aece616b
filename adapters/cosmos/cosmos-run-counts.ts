import type { Container, SqlQuerySpec } from '@azure/cosmos';
import { NO_RUNS, type GroupRunCounts, type RunCounts, type UnfinishedRuns } from '../../app/runs/run-counts.js';

const UNFINISHED = "SELECT VALUE COUNT(1) FROM c WHERE c.environmentId = @env AND c.type = 'run' AND c.state IN ('Queued', 'Running')";
const QUEUED_OF_GROUP = "SELECT VALUE COUNT(1) FROM c WHERE c.environmentId = @env AND c.type = 'run' AND c.groupId = @group AND c.state = 'Queued'";
const HIGH_OF_GROUP = `${QUEUED_OF_GROUP} AND c.priority = 'High'`;
/** the group of every running run: at most one per bot, so bounded by the environment's capacity, not by the queue */
const RUNNING_GROUPS = "SELECT VALUE c.groupId FROM c WHERE c.environmentId = @env AND c.type = 'run' AND c.state = 'Running'";
/** the first queued run in dispatch order (`dispatchKeyOf`: moved-to-top runs, then High, then the others) */
const FIRST_QUEUED =
  "SELECT TOP 1 c.priority, c.movedToTopAt, c.queuedAt FROM c WHERE c.environmentId = @env AND c.type = 'run' AND c.groupId = @group AND c.state = 'Queued' ORDER BY c.dispatchKey ASC";

type GroupQueue = Omit<GroupRunCounts, 'running'> & { groupId: string };

interface FirstQueued {
  priority: string;
  movedToTopAt?: string;
  queuedAt: string;
}

/**
 * Queued and running runs per group of one environment, from the runs container (its key prefix `[environmentId]`),
 * so that the cost does not grow with the queue (issue 19). One index-only `COUNT` of the environment's unfinished
 * runs; when there are any, the group of each running run (one query; a bot runs one run at a time, so these are at
 * most the environment's capacity) and per group the `COUNT` of its queued runs and its first queued run in dispatch
 * order (an indexed TOP 1). A caller that read the first two (`unfinishedRuns`, the planning round beside its lists)
 * skips the groups' queues when every unfinished run is running, the usual state of a busy environment. The High
 * ones are counted only where that first run is High or moved to the top: High runs dispatch before all others, so a
 * first run of another priority, not moved, means none is queued.
 * The query engines we run against locally have no GROUP BY, hence per-group queries rather than one grouped one.
 */
export class CosmosRunCounts implements RunCounts {
  constructor(private readonly runs: Container) {}

  private async count(environmentId: string, query: SqlQuerySpec): Promise<number> {
    const { resources } = await this.runs.items.query<number>(query, { partitionKey: [environmentId] }).fetchAll();
    return resources[0] ?? 0;
  }

  private async runningGroups(environmentId: string): Promise<string[]> {
    const query = { query: RUNNING_GROUPS, parameters: [{ name: '@env', value: environmentId }] };
    // -1: the service's dynamic page size, so the running runs of a full environment are one round trip
    const { resources } = await this.runs.items.query<string>(query, { partitionKey: [environmentId], maxItemCount: -1 }).fetchAll();
    return resources;
  }

  private async firstQueued(environmentId: string, query: SqlQuerySpec): Promise<FirstQueued | undefined> {
    const { resources } = await this.runs.items.query<FirstQueued>(query, { partitionKey: [environmentId] }).fetchAll();
    return resources[0];
  }

  unfinishedTotal(environmentId: string): Promise<number> {
    return this.count(environmentId, { query: UNFINISHED, parameters: [{ name: '@env', value: environmentId }] });
  }

  async unfinishedRuns(environmentId: string): Promise<UnfinishedRuns> {
    const [total, runningGroups] = await Promise.all([this.unfinishedTotal(environmentId), this.runningGroups(environmentId)]);
    return { total, runningGroups };
  }

  /** a group's queue: its queued runs, the High ones among them, and the first in dispatch order */
  private async queueOf(environmentId: string, groupId: string): Promise<GroupQueue> {
    const env = { name: '@env', value: environmentId };
    const group = { name: '@group', value: groupId };
    const [queued, first] = await Promise.all([
      this.count(environmentId, { query: QUEUED_OF_GROUP, parameters: [env, group] }),
      this.firstQueued(environmentId, { query: FIRST_QUEUED, parameters: [env, group] }),
    ]);
    const highCannotBeQueued = queued === 0 || (first !== undefined && first.priority !== 'High' && first.movedToTopAt === undefined);
    const queuedHigh = highCannotBeQueued ? 0 : await this.count(environmentId, { query: HIGH_OF_GROUP, parameters: [env, group] });
    return { groupId, queued, queuedHigh, ...(queued > 0 && first !== undefined ? { oldestQueuedAt: first.queuedAt } : {}) };
  }

  async countsFor(environmentId: string, groupIds: readonly string[], unfinished?: UnfinishedRuns): Promise<Record<string, GroupRunCounts>> {
    if (groupIds.length === 0) return {};
    const queuesOf = () => Promise.all(groupIds.map((groupId) => this.queueOf(environmentId, groupId)));
    let runningGroups: readonly string[];
    let queues: GroupQueue[];
    if (unfinished === undefined) {
      if ((await this.unfinishedTotal(environmentId)) === 0) return {};
      [runningGroups, queues] = await Promise.all([this.runningGroups(environmentId), queuesOf()]);
    } else {
      if (unfinished.total === 0) return {};
      runningGroups = unfinished.runningGroups;
      // every unfinished run is on a bot: no group's queue is read
      queues = unfinished.total > runningGroups.length ? await queuesOf() : [];
    }
    const running = new Map<string, number>();
    for (const groupId of runningGroups) running.set(groupId, (running.get(groupId) ?? 0) + 1);
    const out: Record<string, GroupRunCounts> = {};
    const queueById = new Map(queues.map(({ groupId, ...queue }) => [groupId, queue]));
    for (const groupId of groupIds) {
      const counts: GroupRunCounts = { ...NO_RUNS, ...queueById.get(groupId), running: running.get(groupId) ?? 0 };
      if (counts.running + counts.queued > 0) out[groupId] = counts;
    }
    return out;
  }
}
