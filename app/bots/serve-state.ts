import type { BotDocument, BotState } from '../../domain/bot.js';
import type { RunStore } from '../runs/run-store.js';
import { updateBot, type BotRecordPorts, type BotRef } from './bot-records.js';

/** What the serve phase's read needs: the bot record, and the run queries (does it still hold a running run?). */
export interface ServeStatePorts extends BotRecordPorts {
  runs: Pick<RunStore, 'queries'>;
}

export type ServeState = { gone: true } | { gone: false; busy: boolean; release?: string; drain?: 'reprovision' };

/** A bot in these states has no agent to serve runs any more: its lifecycle tears down what may be left. */
const GONE_STATES: readonly BotState[] = ['Deleted', 'Failed', 'Deprovisioning'];

/**
 * The bot as its lifecycle's serve phase needs it. A release or drain the lifecycle received as an event is written on
 * the record first (under its etag), so the agent's next claim refuses the bot and its finish wakes the lifecycle.
 * A bot still Busy whose run already ended (the watchdog ended it, the finish never came) goes idle here.
 */
export async function readServeState(deps: ServeStatePorts, ref: BotRef, pending: { release?: string; drain?: 'reprovision' }): Promise<ServeState> {
  let bot = await updateBot(deps, ref, (b) => {
    if (GONE_STATES.includes(b.state)) return undefined;
    const addRelease = pending.release !== undefined && b.releaseRequested === undefined;
    const addDrain = pending.drain !== undefined && b.drainRequested === undefined;
    if (!addRelease && !addDrain) return undefined;
    return { ...b, ...(addRelease ? { releaseRequested: pending.release } : {}), ...(addDrain ? { drainRequested: pending.drain } : {}) };
  });
  if (!bot || GONE_STATES.includes(bot.state)) return { gone: true };
  const leaving = bot.releaseRequested !== undefined || bot.drainRequested !== undefined;
  if (bot.state === 'Busy' && leaving && !(await holdsRunningRun(deps, ref, bot))) {
    const endedRunId = bot.currentRunId;
    bot = await updateBot(deps, ref, (b) => {
      if (b.state !== 'Busy' || b.currentRunId !== endedRunId) return undefined;
      const next: BotDocument = { ...b, state: 'Ready', since: deps.now().toISOString() };
      delete next.currentRunId;
      return next;
    });
    if (!bot || GONE_STATES.includes(bot.state)) return { gone: true };
  }
  return {
    gone: false,
    busy: bot.state === 'Busy',
    ...(bot.releaseRequested === undefined ? {} : { release: bot.releaseRequested }),
    ...(bot.drainRequested === undefined ? {} : { drain: bot.drainRequested }),
  };
}

async function holdsRunningRun(deps: Pick<ServeStatePorts, 'runs'>, ref: BotRef, bot: BotDocument): Promise<boolean> {
  const held = await deps.runs.queries.runningOn(ref.environmentId, ref.groupId, ref.botId);
  return held !== undefined && (bot.currentRunId === undefined || held.id === bot.currentRunId);
}
