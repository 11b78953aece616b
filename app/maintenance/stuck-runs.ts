import type { BotDocument } from '../../domain/bot.js';
import type { GroupDocument } from '../../domain/group.js';
import type { MaintenanceActionDocument } from '../../domain/maintenance.js';
import type { RunDocument } from '../../domain/run.js';
import { requeueLostRun, type LostRunPorts } from '../bots/lost-runs.js';
import type { DocumentStore, Page, Versioned } from '../ports/document-store.js';
import { QueueNotFoundError, type GroupQueues } from '../ports/group-queues.js';
import { cancelForDeletedGroup } from '../runs/drain.js';
import type { RunStore } from '../runs/run-store.js';
import { recordMaintenanceAction, type ActionLogPorts, type MaintenanceAction } from './action-log.js';
import type { LifecycleSignals } from './lifecycle-signals.js';
import { sweepEnvironments, type SweepLeasePorts } from './sweep-lease.js';
import type { SweepReport } from './sweep-report.js';

/**
 * What the stuck-run sweep reads and writes: the environments, their groups (control container), bots, runs and run
 * counts, the groups' queues, the clock; and what cancelling a run, requeueing a lost bot's run, the action log and
 * the lease need.
 */
export type StuckRunPorts = {
  environmentIds(): Promise<string[]>;
  store: Pick<DocumentStore, 'list'>;
  botStore: Pick<DocumentStore, 'list'>;
  runs: Pick<RunStore, 'queries'>;
  /** the queued runs per group, and the unfinished runs of the whole environment */
  runCounts: {
    countsFor(environmentId: string, groupIds: readonly string[]): Promise<Record<string, { queued: number; running: number }>>;
    unfinishedTotal(environmentId: string): Promise<number>;
  };
  queues: Pick<GroupQueues, 'create' | 'depth' | 'sendWakeUp'>;
  now(): Date;
} & Parameters<typeof cancelForDeletedGroup>[0] &
  LostRunPorts &
  ActionLogPorts &
  SweepLeasePorts;

/** A queued run younger than this still has its submission's wake-up in flight: it is not counted as stuck. */
export const WAKE_UP_GRACE_SECONDS = 60;
const PAGE = 200;

type Act = (action: Omit<MaintenanceAction, 'environmentId' | 'sweep'>) => Promise<void>;

async function allPages(
  read: (page: { pageSize: number; continuationToken?: string | undefined }) => Promise<Page<Versioned<RunDocument>>>,
): Promise<Versioned<RunDocument>[]> {
  const runs: Versioned<RunDocument>[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await read({ pageSize: PAGE, continuationToken });
    runs.push(...page.items);
    continuationToken = page.continuationToken;
  } while (continuationToken);
  return runs;
}

/** A queued run of a group that is gone or marked deleted never runs: it ends Cancelled. */
async function cancelOrphanedRun(deps: StuckRunPorts, run: Versioned<RunDocument>, act: Act): Promise<void> {
  const { changed } = await cancelForDeletedGroup(deps, run);
  if (changed)
    await act({
      action: 'runCancelled',
      reason: 'GroupDeleted',
      detail: `Run ${run.id} was still queued on a deleted group; ended Cancelled.`,
      groupId: run.groupId,
      runId: run.id,
    });
}

/** A run Running on a bot that no longer exists (or ended Deleted/Failed) goes back to the queue, or fails after the attempt limit. */
async function recoverRunOfGoneBot(deps: StuckRunPorts, run: Versioned<RunDocument>, bot: BotDocument | undefined, act: Act): Promise<void> {
  const botId = run.botId ?? '';
  const { verdict } = await requeueLostRun(
    deps,
    { environmentId: run.environmentId, groupId: run.groupId, botId },
    bot ? `BotGone: the bot is ${bot.state}` : 'BotGone: no such bot',
  );
  if (verdict === 'none') return;
  const detail = `Run ${run.id} was Running on bot ${botId}, which ${bot ? `is ${bot.state}` : 'does not exist'}; ${verdict === 'requeued' ? 'it went back to the queue' : 'it failed (attempt limit)'}.`;
  await act({ action: verdict === 'requeued' ? 'runRequeued' : 'runFailed', reason: 'BotGone', detail, groupId: run.groupId, runId: run.id, botId });
}

/**
 * Each queued run should have a wake-up in its group's queue. When the queue holds fewer messages than runs wait, the
 * missing wake-ups are sent again for the first runs in dispatch order that have waited longer than the grace period
 * (a spare one only costs a discarded message at claim time). Reads the missing runs only, not the queue.
 */
async function resendMissingWakeUps(deps: StuckRunPorts, environmentId: string, groupId: string, queued: number, act: Act): Promise<void> {
  let depth: number;
  try {
    depth = await deps.queues.depth(groupId);
  } catch (err) {
    if (!(err instanceof QueueNotFoundError)) throw err;
    await deps.queues.create(groupId);
    depth = 0;
  }
  const missing = Math.min(queued - depth, PAGE);
  if (missing <= 0) return;
  const cutoff = deps.now().getTime() - WAKE_UP_GRACE_SECONDS * 1000;
  const stale = (await deps.runs.queries.nextQueued(environmentId, groupId, missing)).filter((r) => Date.parse(r.queuedAt) <= cutoff);
  for (const run of stale) {
    await deps.queues.sendWakeUp(groupId, { runId: run.id });
    await act({
      action: 'wakeUpResent',
      reason: 'WakeUpMissing',
      detail: `The queue held ${depth} wake-up(s) for ${queued} queued run(s); sent one for run ${run.id}.`,
      groupId,
      runId: run.id,
    });
  }
}

/**
 * One environment, at a cost that does not grow with its queue: the running runs (at most one per bot), the queued
 * counts per group (index-only COUNTs), the queued runs of groups marked deleted, and the first runs of a group whose
 * queue lacks wake-ups. Only when the environment holds unfinished runs of a group whose document is gone (a delete
 * that died half-way) are its unfinished runs read, to find them.
 */
async function sweepEnvironment(deps: StuckRunPorts, signals: LifecycleSignals, environmentId: string): Promise<MaintenanceActionDocument[]> {
  const actions: MaintenanceActionDocument[] = [];
  const act: Act = async (a) => {
    actions.push(await recordMaintenanceAction(deps, { ...a, environmentId, sweep: 'stuckRuns' }));
  };
  const [groups, bots] = await Promise.all([deps.store.list<GroupDocument>(environmentId, 'group'), deps.botStore.list<BotDocument>(environmentId, 'bot')]);
  const botById = new Map(bots.items.map((b) => [b.id, b]));
  const counts = await deps.runCounts.countsFor(
    environmentId,
    groups.items.map((g) => g.id),
  );

  for (const run of await allPages((page) => deps.runs.queries.search(environmentId, { state: 'Running' }, page))) {
    const bot = run.botId ? botById.get(run.botId) : undefined;
    if (!bot || bot.state === 'Deleted' || bot.state === 'Failed') await recoverRunOfGoneBot(deps, run, bot, act);
  }

  let waiting = false;
  for (const group of groups.items) {
    const queued = counts[group.id]?.queued ?? 0;
    if (queued === 0) continue;
    if (group.status !== 'active') {
      for (const run of await allPages((page) => deps.runs.queries.search(environmentId, { state: 'Queued', groupId: group.id }, page)))
        await cancelOrphanedRun(deps, run, act);
      continue;
    }
    waiting = true;
    await resendMissingWakeUps(deps, environmentId, group.id, queued, act);
  }

  const counted = Object.values(counts).reduce((sum, c) => sum + c.queued + c.running, 0);
  if ((await deps.runCounts.unfinishedTotal(environmentId)) > counted) {
    const known = new Set(groups.items.map((g) => g.id));
    for (const run of await allPages((page) => deps.runs.queries.unfinished(environmentId, page))) {
      if (run.state === 'Queued' && !known.has(run.groupId)) await cancelOrphanedRun(deps, run, act);
    }
  }

  // runs wait: make sure the controller is planning for them (it may have stopped, or missed its wake-up)
  if (waiting || actions.some((a) => a.action === 'runRequeued')) await signals.wakeController(environmentId);
  return actions;
}

/**
 * The stuck-run sweep: what a lost message or a lost bot would otherwise leave behind. Queued runs whose wake-up is
 * missing get a new one; runs on a bot that is gone are requeued (or fail after the attempt limit); queued runs of a
 * deleted group end Cancelled. Deadlines are the run-deadline sweep's (run-deadlines.ts), every minute.
 */
export async function sweepStuckRuns(deps: StuckRunPorts, signals: LifecycleSignals): Promise<SweepReport> {
  return sweepEnvironments(deps, 'stuckRuns', await deps.environmentIds(), (environmentId) => sweepEnvironment(deps, signals, environmentId));
}
