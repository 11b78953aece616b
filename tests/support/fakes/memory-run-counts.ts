import type { GroupRunCounts, RunCounts } from '../../../app/runs/run-counts.js';
import { byDispatchKey, type RunDocument } from '../../../domain/run.js';
import type { MemoryRunStore } from './memory-run-store.js';

/**
 * The run counts as the adapter's queries answer them (CosmosRunCounts), computed over the runs of a MemoryRunStore:
 * with each group's first queued run in dispatch order, whose queue time is the planner's oldest.
 */
export function memoryRunCounts(runs: MemoryRunStore): RunCounts {
  const unfinished = async (environmentId: string) =>
    (await runs.docs.list<RunDocument>(environmentId, 'run')).items.filter((r) => r.state === 'Queued' || r.state === 'Running');
  return {
    countsFor: async (environmentId, groupIds, known) => {
      const counts: Record<string, GroupRunCounts> = {};
      if (known?.total === 0) return counts;
      // as the adapter: a caller's read that finds every unfinished run running reads no group's queue
      const queuesRead = known === undefined || known.total > known.runningGroups.length;
      for (const run of (await unfinished(environmentId)).sort(byDispatchKey)) {
        if (!groupIds.includes(run.groupId) || (run.state === 'Queued' && !queuesRead)) continue;
        const c = (counts[run.groupId] ??= { running: 0, queued: 0, queuedHigh: 0 });
        if (run.state === 'Running') c.running++;
        else {
          if (c.queued === 0) c.oldestQueuedAt = run.queuedAt;
          c.queued++;
          if (run.priority === 'High') c.queuedHigh++;
        }
      }
      return counts;
    },
    unfinishedTotal: async (environmentId) => (await unfinished(environmentId)).length,
    unfinishedRuns: async (environmentId) => {
      const runs = await unfinished(environmentId);
      return { total: runs.length, runningGroups: runs.flatMap((r) => (r.state === 'Running' ? [r.groupId] : [])) };
    },
  };
}
