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
 * Silent bots checked at once. A mass loss (an outage that silences every agent of an environment) is recovered this
 * many at a time, not one after the other: 500 lost bots made one local round take 0.5–0.7 s one by one, and would
 * take seconds in Azure, where each check is a few round trips.
 */
export const RECOVERIES_AT_ONCE = 16;

type Recovery = { lost: LostBusyBot } | { runEnded: string } | undefined;

async function recoverLostBusyBot(deps: LostBusyBotPorts, environmentId: string, bot: BotDocument, timeoutSeconds: number): Promise<Recovery> {
  const ref: BotRef = { environmentId, groupId: bot.groupId, botId: bot.id };
  const health = await checkBotHealth(deps, ref, timeoutSeconds);
  if (health.healthy) {
    if (!health.runEnded) return undefined;
    await markBotIdle(deps, ref);
    return bot.releaseRequested !== undefined || bot.drainRequested !== undefined ? { runEnded: bot.id } : undefined;
  }
  const run = await requeueLostRun(deps, ref, health.reason, health.runId);
  // the run it was judged by ended or moved meanwhile: its agent finished it (alive), or another recovery took it
  if (run.verdict === 'none' && health.runId !== undefined) return undefined;
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
  return { lost: { botId: bot.id, groupId: bot.groupId, reason: health.reason, run } };
}

/**
 * Busy bots whose agent stopped heartbeating (BOT_HEARTBEAT_TIMEOUT_SECONDS), found among the bot records the planning
 * round read anyway: no per-bot timer. Each one's run goes back to the queue (or fails after MAX_RUN_ATTEMPTS), and the
 * bot is released (`Draining`, releaseRequested): its lifecycle tears it down. A Busy record whose run had already
 * ended (the watchdog ended it, the finish never came) only goes idle. Only stale candidates cost more requests; they
 * are checked RECOVERIES_AT_ONCE at a time (each bot's records are its own; two bots judged by the same run race on
 * the run's etag, and the loser leaves its bot alone, as one after the other).
 */
export async function recoverLostBusyBots(
  deps: LostBusyBotPorts,
  environmentId: string,
  bots: readonly BotDocument[],
  timeoutSeconds: number,
): Promise<LostBusyBotsOutcome> {
  const now = deps.now().getTime();
  const silent = bots.filter((b) => silentTooLong(b, now, timeoutSeconds));
  const outcome: LostBusyBotsOutcome = { lost: [], runEnded: [] };
  for (let i = 0; i < silent.length; i += RECOVERIES_AT_ONCE) {
    const recovered = await Promise.all(silent.slice(i, i + RECOVERIES_AT_ONCE).map((bot) => recoverLostBusyBot(deps, environmentId, bot, timeoutSeconds)));
    for (const r of recovered) {
      if (r !== undefined && 'lost' in r) outcome.lost.push(r.lost);
      if (r !== undefined && 'runEnded' in r) outcome.runEnded.push(r.runEnded);
    }
  }
  return outcome;
}
