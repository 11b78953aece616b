import { EMPTY_STATS, FLOW_WINDOW, STATS_WINDOW, type GroupScalingStats } from '../domain/planner/group-stats.js';
import { queueEstimates, type QueueEstimateBot } from '../domain/planner/queue-estimate.js';
import { MINUTE } from './model.js';
import { iso } from './run-queue.js';
import type { SimGroup } from './sim-group.js';
import type { World } from './world.js';

/**
 * The expected start of every newly queued run, as the product's queue view shows it right after a plan: the
 * product's own `queueEstimates` (domain/planner/queue-estimate.ts), fed what the view reads (the group's
 * bots, its queue in dispatch order) and the group's stats as the controller keeps them (group-stats.ts: the last
 * STATS_WINDOW provisioning times and run durations, the last FLOW_WINDOW per flow). Recorded on the run once,
 * when it is first estimated: the metric scores what the view showed when the run was queued.
 */
export function estimateStarts(world: World, seen: Map<string, number>): void {
  for (const g of world.groups) {
    if (seen.get(g.id) === g.queue.added) continue;
    seen.set(g.id, g.queue.added);
    const queued = g.queue.runs();
    const estimates = queueEstimates({
      now: iso(world.now),
      queued: queued.map((r) => ({ id: r.id, desktopFlowId: flowOf(r) })),
      queuedAhead: 0,
      bots: g.bots.map((b) => viewBot(world, b)),
      stats: statsOf(world, g),
      defaultProvisionMinutes: world.platform.provisionMs / MINUTE,
    });
    for (const [j, run] of queued.entries()) {
      const at = estimates[j]?.expectedStartAt;
      if (run.expectedStartAt === undefined && at !== undefined && at !== null) run.expectedStartAt = Date.parse(at);
    }
  }
}

const flowOf = (run: { flowId?: string; groupId: string }) => run.flowId ?? run.groupId;

function viewBot(world: World, b: SimGroup['bots'][number]): QueueEstimateBot {
  const run = b.runId === undefined ? undefined : world.run(b.runId);
  return {
    state: b.state,
    since: iso(b.since),
    createdAt: iso(b.createdAt),
    ...(b.releaseRequested === undefined ? {} : { releaseRequested: true }),
    ...(run === undefined ? {} : { runFlowId: flowOf(run) }),
  };
}

function statsOf(world: World, g: SimGroup): GroupScalingStats {
  const runMsByFlow: Record<string, number[]> = {};
  for (const flow of new Set(
    [...g.queue.runs(), ...g.bots.flatMap((b) => (b.runId === undefined ? [] : [world.run(b.runId)]))].map((r) => (r === undefined ? g.id : flowOf(r))),
  )) {
    const list = world.observed.runMs.get(flow);
    if (list !== undefined && list.length > 0) runMsByFlow[flow] = list.slice(-FLOW_WINDOW);
  }
  return {
    ...EMPTY_STATS,
    provisionMs: (world.observed.provisionMs.get(g.id) ?? []).slice(-STATS_WINDOW),
    runMs: world.groupRunMs(g.id).slice(-STATS_WINDOW),
    runMsByFlow,
  };
}
