import type { Services } from '../../composition/services.js';
import type { BotDocument } from '../../domain/bot.js';
import type { GroupDocument } from '../../domain/group.js';
import type { MaintenanceActionDocument } from '../../domain/maintenance.js';
import type { RunDocument } from '../../domain/run.js';
import { requeueLostRun } from '../../bots/lost-runs.js';
import type { Versioned } from '../../store/document-store.js';
import { QueueNotFoundError } from '../../queues/group-queues.js';
import { timeOutIfDue } from '../runs/deadlines.js';
import { cancelForDeletedGroup } from '../runs/drain.js';
import { recordMaintenanceAction, type MaintenanceAction } from './action-log.js';
import type { LifecycleSignals } from './lifecycle-signals.js';
import { sweepEnvironments } from './sweep-lease.js';
import type { SweepReport } from './sweep-report.js';

/** A queued run younger than this still has its submission's wake-up in flight: it is not counted as stuck. */
export const WAKE_UP_GRACE_SECONDS = 60;
const PAGE = 200;

type Act = (action: Omit<MaintenanceAction, 'environmentId' | 'sweep'>) => Promise<void>;

async function unfinishedRuns(deps: Services, environmentId: string): Promise<Versioned<RunDocument>[]> {
  const runs: Versioned<RunDocument>[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await deps.runs.queries.unfinished(environmentId, { pageSize: PAGE, continuationToken });
    runs.push(...page.items);
    continuationToken = page.continuationToken;
  } while (continuationToken);
  return runs;
}

/** A deadline the run's watchdog missed (the app was down, the orchestration was lost) is applied now. */
async function applyMissedDeadline(deps: Services, run: Versioned<RunDocument>, act: Act): Promise<boolean> {
  const { changed, code } = await timeOutIfDue(deps, run);
  if (changed) await act({ action: 'runTimedOut', reason: code ?? 'DeadlinePassed', detail: `Run ${run.id} passed its deadline while ${run.state} and nobody ended it; ended TimedOut (${code}).`, groupId: run.groupId, runId: run.id });
  return changed;
}

/** A queued run of a group that is gone or marked deleted never runs: it ends Cancelled. */
async function cancelOrphanedRun(deps: Services, run: Versioned<RunDocument>, act: Act): Promise<void> {
  const { changed } = await cancelForDeletedGroup(deps, run);
  if (changed) await act({ action: 'runCancelled', reason: 'GroupDeleted', detail: `Run ${run.id} was still queued on a deleted group; ended Cancelled.`, groupId: run.groupId, runId: run.id });
}

/** A run Running on a bot that no longer exists (or ended Deleted/Failed) goes back to the queue, or fails after the attempt limit. */
async function recoverRunOfGoneBot(deps: Services, run: Versioned<RunDocument>, bot: BotDocument | undefined, act: Act): Promise<void> {
  const botId = run.botId ?? '';
  const { verdict } = await requeueLostRun(deps, { environmentId: run.environmentId, groupId: run.groupId, botId }, bot ? `BotGone: the bot is ${bot.state}` : 'BotGone: no such bot');
  if (verdict === 'none') return;
  const detail = `Run ${run.id} was Running on bot ${botId}, which ${bot ? `is ${bot.state}` : 'does not exist'}; ${verdict === 'requeued' ? 'it went back to the queue' : 'it failed (attempt limit)'}.`;
  await act({ action: verdict === 'requeued' ? 'runRequeued' : 'runFailed', reason: 'BotGone', detail, groupId: run.groupId, runId: run.id, botId });
}

/**
 * Each queued run should have a wake-up in its group's queue. When the queue holds fewer messages than runs have
 * been queued for longer than the grace period, the missing wake-ups are sent again (a spare one only costs a
 * discarded message at claim time).
 */
async function resendMissingWakeUps(deps: Services, groupId: string, queued: Versioned<RunDocument>[], act: Act): Promise<void> {
  const cutoff = deps.now().getTime() - WAKE_UP_GRACE_SECONDS * 1000;
  const stale = queued.filter((r) => Date.parse(r.queuedAt) <= cutoff);
  if (stale.length === 0) return;
  let depth: number;
  try {
    depth = await deps.queues.depth(groupId);
  } catch (err) {
    if (!(err instanceof QueueNotFoundError)) throw err;
    await deps.queues.create(groupId);
    depth = 0;
  }
  const missing = Math.min(stale.length, queued.length - depth);
  for (const run of stale.slice(0, Math.max(0, missing))) {
    await deps.queues.sendWakeUp(groupId, { runId: run.id });
    await act({ action: 'wakeUpResent', reason: 'WakeUpMissing', detail: `The queue held ${depth} wake-up(s) for ${queued.length} queued run(s); sent one for run ${run.id}.`, groupId, runId: run.id });
  }
}

async function sweepEnvironment(deps: Services, signals: LifecycleSignals, environmentId: string): Promise<MaintenanceActionDocument[]> {
  const actions: MaintenanceActionDocument[] = [];
  const act: Act = async (a) => {
    actions.push(await recordMaintenanceAction(deps, { ...a, environmentId, sweep: 'stuckRuns' }));
  };
  const [runs, groups, bots] = await Promise.all([
    unfinishedRuns(deps, environmentId),
    deps.store.list<GroupDocument>(environmentId, 'group'),
    deps.botStore.list<BotDocument>(environmentId, 'bot'),
  ]);
  const groupById = new Map(groups.items.map((g) => [g.id, g]));
  const botById = new Map(bots.items.map((b) => [b.id, b]));
  const stillQueued = new Map<string, Versioned<RunDocument>[]>();
  for (const run of runs) {
    if (await applyMissedDeadline(deps, run, act)) continue;
    if (run.state === 'Queued') {
      const group = groupById.get(run.groupId);
      if (!group || group.status !== 'active') await cancelOrphanedRun(deps, run, act);
      else stillQueued.set(run.groupId, [...(stillQueued.get(run.groupId) ?? []), run]);
      continue;
    }
    const bot = run.botId ? botById.get(run.botId) : undefined;
    if (!bot || bot.state === 'Deleted' || bot.state === 'Failed') await recoverRunOfGoneBot(deps, run, bot, act);
  }
  for (const [groupId, queued] of stillQueued) await resendMissingWakeUps(deps, groupId, queued, act);
  // runs wait: make sure the controller is planning for them (it may have stopped, or missed its wake-up)
  if (stillQueued.size > 0 || actions.some((a) => a.action === 'runRequeued')) await signals.wakeController(environmentId);
  return actions;
}

/**
 * The stuck-run sweep: every queued or running run of every environment is checked against the rules a lost
 * message, a lost bot or a missed timer would otherwise break. Queued runs whose wake-up is missing get a new
 * one; runs on a bot that is gone are requeued (or fail after the attempt limit); missed deadlines are applied.
 */
export async function sweepStuckRuns(deps: Services, signals: LifecycleSignals): Promise<SweepReport> {
  return sweepEnvironments(deps, 'stuckRuns', await deps.environmentIds(), (environmentId) => sweepEnvironment(deps, signals, environmentId));
}
