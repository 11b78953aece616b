import { dispatchKeyOf, ended, RUN_ERROR_CODES, type RunDocument } from '../../domain/run.js';
import type { GroupQueues } from '../ports/group-queues.js';
import type { RunStore } from '../runs/run-store.js';
import { findRun } from '../runs/load-run.js';
import { changeRun } from '../runs/transitions.js';
import type { BotRef } from './bot-records.js';
import { bestEffort } from '../errors/best-effort.js';
import { runLogLine } from '../observability/run-log.js';
import type { WorkerLog } from '../ports/worker-log.js';

/**
 * What requeueing a lost bot's run needs: the run queries, the wake-up queue, what changing a run needs, and the log
 * the `run.requeued` / `run.failed` line is written to the moment the change lands.
 */
export type LostRunPorts = Parameters<typeof changeRun>[0] & {
  runs: Pick<RunStore, 'queries'>;
  queues: Pick<GroupQueues, 'sendWakeUp'>;
  runLog: WorkerLog;
};

/** A run whose bot was lost goes back to the queue this many times, then fails. */
export const MAX_RUN_ATTEMPTS = 3;

export type LostRunVerdict = 'requeued' | 'failed' | 'none';

/** What became of a lost bot's run, and which run it was (none when the bot held no run, or another took it). */
export type LostRunOutcome = { verdict: 'none' } | { verdict: 'requeued' | 'failed'; runId: string };

/**
 * The run a lost bot held (`judgedRunId` when the caller judged the bot by one) goes back to the queue (at its original place: the dispatch key keeps its priority
 * and queue time), or fails with `BotLost` after MAX_RUN_ATTEMPTS; a new wake-up is sent so a bot claims it.
 * The change is logged here, as soon as it lands: a caller that fails a step later (and is retried, finding the run
 * no longer on the bot) would otherwise leave a run that changed bots with no line saying the first one lost it.
 */
export async function requeueLostRun(deps: LostRunPorts, ref: BotRef, reason: string, judgedRunId?: string): Promise<LostRunOutcome> {
  // the run the bot was judged lost with, when the judgement named one: never a run the bot claimed since (it is alive)
  const run =
    judgedRunId === undefined
      ? await deps.runs.queries.runningOn(ref.environmentId, ref.groupId, ref.botId)
      : await findRun(deps, ref.environmentId, judgedRunId);
  if (!run) return { verdict: 'none' };
  const outcome: { verdict: LostRunVerdict } = { verdict: 'none' };
  await changeRun(deps, run, (current, now) => {
    if (current.state !== 'Running' || current.botId !== ref.botId) {
      outcome.verdict = 'none';
      return undefined;
    }
    if (current.attempt >= MAX_RUN_ATTEMPTS) {
      outcome.verdict = 'failed';
      return ended(
        current,
        'Failed',
        {
          error: {
            code: RUN_ERROR_CODES.botLost,
            message: `The bot running this run was lost (${reason}) on attempt ${current.attempt} of ${MAX_RUN_ATTEMPTS}.`,
          },
        },
        now,
      );
    }
    outcome.verdict = 'requeued';
    const back: RunDocument = { ...current, state: 'Queued', updatedAt: now.toISOString() };
    delete back.botId;
    delete back.startedAt;
    return { ...back, dispatchKey: dispatchKeyOf(back) };
  });
  if (outcome.verdict !== 'none')
    deps.runLog(runLogLine(outcome.verdict, { id: run.id, groupId: ref.groupId, environmentId: ref.environmentId }, { botId: ref.botId, reason }));
  // the run is back in Cosmos, which claims read: a lost wake-up only delays it until the stuck-run sweep sends another
  if (outcome.verdict === 'requeued') await bestEffort(deps.queues.sendWakeUp(ref.groupId, { runId: run.id }), `wake-up for requeued run ${run.id}`);
  return outcome.verdict === 'none' ? { verdict: 'none' } : { verdict: outcome.verdict, runId: run.id };
}
