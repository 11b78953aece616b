import type { PlannerInput } from '../../domain/planner/index.js';
import type { GroupQueues } from '../ports/group-queues.js';

/** What the re-send needs: the groups' queues (their depth, and a way to send wake-ups). */
export interface StrandedWakeUpPorts {
  queues: Pick<GroupQueues, 'depth' | 'sendWakeUp'>;
}

/** A run queued for longer than this while bots of its group idle may have lost its wake-up. */
export const STRANDED_AFTER_MS = 10_000;

/** Groups that may dispatch, with queued runs older than STRANDED_AFTER_MS and idle bots: how many wake-ups at most. */
export function strandedCandidates(input: PlannerInput): Array<{ groupId: string; wakeUps: number }> {
  if (!input.environment.hostedRpaEnabled) return [];
  const now = Date.parse(input.now);
  const out: Array<{ groupId: string; wakeUps: number }> = [];
  for (const group of input.groups) {
    if (group.status !== 'active' || group.maintenance) continue;
    const queued = group.queued.high + group.queued.normal;
    const oldest = group.queued.oldestQueuedAt === undefined ? undefined : Date.parse(group.queued.oldestQueuedAt);
    if (queued === 0 || oldest === undefined || now - oldest < STRANDED_AFTER_MS) continue;
    const idle = group.bots.filter((b) => b.state === 'Ready' && !b.releaseRequested).length;
    if (idle > 0) out.push({ groupId: group.id, wakeUps: Math.min(queued, idle) });
  }
  return out;
}

/**
 * The safety net for queued runs whose wake-up was consumed by a claim that answered `none` (DispatchPaused during
 * maintenance, a duplicate): for a group whose oldest run has waited STRANDED_AFTER_MS while bots idle and whose queue
 * holds no message, min(queued, idle bots) wake-ups are sent. Costs one queue-depth read per such group and round; a
 * healthy group (no idle bot while runs wait, or a message in its queue) costs nothing more.
 */
export async function resendStrandedWakeUps(deps: StrandedWakeUpPorts, input: PlannerInput): Promise<number> {
  let sent = 0;
  for (const { groupId, wakeUps } of strandedCandidates(input)) {
    try {
      if ((await deps.queues.depth(groupId)) > 0) continue;
      // the id only names the message (no run in particular: the claim takes the first in dispatch order)
      for (let i = 0; i < wakeUps; i++) await deps.queues.sendWakeUp(groupId, { runId: `stranded-${i}` });
      sent += wakeUps;
    } catch {
      // the queue is unreachable for a moment (or the group is being deleted): the next round looks again
    }
  }
  return sent;
}
