import type { GroupRunCounts, RunCounts, UnfinishedRuns } from '../../../app/runs/run-counts.js';
import { byDispatchKey, queuedAtOfDispatchKey, type RunDocument } from '../../../domain/run.js';
import type { MemoryRunStore } from './memory-run-store.js';

/**
 * The run counts as the adapter's GROUP BY answers them (CosmosRunCounts), computed over the runs of a MemoryRunStore:
 * with each group's first queued run in dispatch order, whose queue time (when its dispatch key holds one) is the
 * planner's oldest.
 */
export function memoryRunCounts(runs: MemoryRunStore): RunCounts {
  const unfinished = async (environmentId: string) =>
    (await runs.docs.list<RunDocument>(environmentId, 'run')).items.filter((r) => r.state === 'Queued' || r.state === 'Running');
  const unfinishedRuns = async (environmentId: string): Promise<UnfinishedRuns> => {
    const byGroup: Record<string, GroupRunCounts> = {};
    const found = (await unfinished(environmentId)).sort(byDispatchKey);
    for (const run of found) {
      const c = (byGroup[run.groupId] ??= { running: 0, queued: 0, queuedHigh: 0 });
      if (run.state === 'Running') c.running++;
      else {
        if (c.queued === 0) {
          const oldestQueuedAt = queuedAtOfDispatchKey(run.dispatchKey);
          if (oldestQueuedAt !== undefined) c.oldestQueuedAt = oldestQueuedAt;
        }
        c.queued++;
        if (run.priority === 'High') c.queuedHigh++;
      }
    }
    return { byGroup };
  };
  return {
    countsFor: async (environmentId, groupIds, known) => {
      const { byGroup } = known ?? (await unfinishedRuns(environmentId));
      return Object.fromEntries(groupIds.flatMap((id) => (byGroup[id] === undefined ? [] : [[id, { ...byGroup[id] }]])));
    },
    unfinishedTotal: async (environmentId) => (await unfinished(environmentId)).length,
    unfinishedRuns,
  };
}
