import type { BotDocument } from '../../domain/bot.js';
import { mayDispatch } from '../../domain/dispatch-gate.js';
import type { EnvironmentDocument } from '../../domain/environment.js';
import type { GroupDocument } from '../../domain/group.js';
import type { GroupQueues } from '../ports/group-queues.js';
import type { DocumentStore } from '../ports/document-store.js';
import type { RunCounts } from './run-counts.js';
import type { DispatchGates } from './dispatch-gates.js';

/** What stopping and resuming a group's dispatch needs. */
export interface DispatchChangePorts {
  /** environments and groups (whether each may dispatch now) */
  store: DocumentStore;
  dispatchGates: DispatchGates;
  /** the queued runs per group, the Ready bots and the wake-ups sent to them when dispatch resumes */
  runCounts: RunCounts;
  botStore: DocumentStore;
  queues: GroupQueues;
  now(): Date;
}

/** Opens the gates of those groups that may dispatch now (by a fresh read), and says which; the others stay closed. */
export async function reopenWhereAllowed(
  deps: Pick<DispatchChangePorts, 'store' | 'dispatchGates'>,
  environmentId: string,
  groupIds: readonly string[],
): Promise<string[]> {
  const env = await deps.store.get<EnvironmentDocument>(environmentId, environmentId);
  const opened: string[] = [];
  for (const groupId of groupIds) {
    const group = await deps.store.get<GroupDocument>(environmentId, groupId);
    if (env && group && mayDispatch(env, group)) {
      await deps.dispatchGates.open(environmentId, groupId);
      opened.push(groupId);
    }
  }
  return opened;
}

/**
 * A change that stops dispatch (maintenance on, the switch off, a delete): the groups' gates close first, then the
 * change is written, so no claim assigns a run after it (see claim.ts). `write` gets the time to stamp the change
 * with, taken once the gates are closed. If the write fails, gates of groups that may still dispatch reopen.
 */
export async function stoppingDispatch<T>(
  deps: Pick<DispatchChangePorts, 'store' | 'dispatchGates' | 'now'>,
  environmentId: string,
  groupIds: readonly string[],
  reason: string,
  write: (at: string) => Promise<T>,
): Promise<T> {
  for (const groupId of groupIds) await deps.dispatchGates.close(environmentId, groupId, reason);
  try {
    return await write(deps.now().toISOString());
  } catch (err) {
    await reopenWhereAllowed(deps, environmentId, groupIds).catch(() => {
      // a gate left closed reopens at a claim after STUCK_GATE_MS (claim.ts)
    });
    throw err;
  }
}

/**
 * A change that lets dispatch resume (maintenance off, the switch on, a reactivation): written first, then gates open,
 * then idle agents are woken for the runs that waited (their wake-ups may have been consumed by claims that answered
 * DispatchPaused).
 */
export async function resumingDispatch<T>(deps: DispatchChangePorts, environmentId: string, groupIds: readonly string[], write: () => Promise<T>): Promise<T> {
  const result = await write();
  const open = await reopenWhereAllowed(deps, environmentId, groupIds);
  await wakeIdleBots(deps, environmentId, open).catch(() => {
    // the controller's round re-sends wake-ups for runs that wait while bots idle (app/bots/stranded-wake-ups.ts)
  });
  return result;
}

/**
 * min(queued runs, idle bots) wake-ups for each group: one count query and one bot query per group, paid only when
 * dispatch resumes. A wake-up too many costs its agent one claim answering `none`.
 */
async function wakeIdleBots(
  deps: Pick<DispatchChangePorts, 'runCounts' | 'botStore' | 'queues'>,
  environmentId: string,
  groupIds: readonly string[],
): Promise<void> {
  if (groupIds.length === 0) return;
  const counts = await deps.runCounts.countsFor(environmentId, groupIds);
  for (const groupId of groupIds) {
    const queued = counts[groupId]?.queued ?? 0;
    if (queued === 0) continue;
    const { items } = await deps.botStore.list<BotDocument>(environmentId, 'bot', {
      where: { groupId },
      whereIn: { state: ['Ready'] },
      orderBy: 'createdAt',
      descending: true,
    });
    const idle = items.filter((b) => b.releaseRequested === undefined && b.drainRequested === undefined).length;
    for (let i = 0; i < Math.min(queued, idle); i++) await deps.queues.sendWakeUp(groupId, { runId: `resumed-${i}` });
  }
}
