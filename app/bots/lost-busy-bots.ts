import type { BotDocument } from '../../domain/bot.js';
import { checkBotHealth, markBotIdle, type BotHealthPorts } from './bot-operations.js';
import { updateBot, type BotRef } from './bot-records.js';
import { requeueLostRun, type LostRunOutcome, type LostRunPorts } from './lost-runs.js';

/** What the recovery needs: the health check's reads, and what requeueing a lost bot's run needs. */
export type LostBusyBotPorts = BotHealthPorts & LostRunPorts;

export interface LostBusyBot {
  botId: string;
  groupId: string;
  reason: string;
  run: LostRunOutcome;
}

export interface LostBusyBotsOutcome {
  lost: LostBusyBot[];
  /** bots whose run had ended without its finish and that carry a pending release or drain: their lifecycle is told */
  runEnded: string[];
}

/** Busy since (or heartbeating since) longer than the timeout, by the record the planning round already read. */
function silentTooLong(bot: BotDocument, now: number, timeoutSeconds: number): boolean {
  if (bot.state !== 'Busy') return false;
  const last = Math.max(Date.parse(bot.lastHeartbeatAt ?? bot.since), Date.parse(bot.since));
  return (now - last) / 1000 > timeoutSeconds;
}

/**
 * Busy bots whose agent stopped heartbeating (BOT_HEARTBEAT_TIMEOUT_SECONDS), found among the bot records the planning
 * round read anyway: no per-bot timer. Each one's run goes back to the queue (or fails after MAX_RUN_ATTEMPTS), and the
 * bot is released (`Draining`, releaseRequested): its lifecycle tears it down. A Busy record whose run had already
 * ended (the watchdog ended it, the finish never came) only goes idle. Only stale candidates cost more requests.
 */
export async function recoverLostBusyBots(
  deps: LostBusyBotPorts,
  environmentId: string,
  bots: readonly BotDocument[],
  timeoutSeconds: number,
): Promise<LostBusyBotsOutcome> {
  const now = deps.now().getTime();
  const outcome: LostBusyBotsOutcome = { lost: [], runEnded: [] };
  for (const bot of bots.filter((b) => silentTooLong(b, now, timeoutSeconds))) {
    const ref: BotRef = { environmentId, groupId: bot.groupId, botId: bot.id };
    const health = await checkBotHealth(deps, ref, timeoutSeconds);
    if (health.healthy) {
      if (health.runEnded) {
        await markBotIdle(deps, ref);
        if (bot.releaseRequested !== undefined || bot.drainRequested !== undefined) outcome.runEnded.push(bot.id);
      }
      continue;
    }
    const run = await requeueLostRun(deps, ref, health.reason, health.runId);
    // the run it was judged by ended or moved meanwhile: its agent finished it (alive), or another recovery took it
    if (run.verdict === 'none' && health.runId !== undefined) continue;
    await updateBot(deps, ref, (b) => {
      if (b.state !== 'Busy') return undefined;
      const next: BotDocument = {
        ...b,
        state: 'Draining',
        since: deps.now().toISOString(),
        reason: health.reason,
        releaseRequested: b.releaseRequested ?? health.reason,
      };
      delete next.currentRunId;
      return next;
    });
    outcome.lost.push({ botId: bot.id, groupId: bot.groupId, reason: health.reason, run });
  }
  return outcome;
}
