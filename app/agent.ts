import { setTimeout as sleep } from 'node:timers/promises';
import { MAX_CANCEL_WAIT_MS, type AssignedRun, type FinishRequest, type HeartbeatResponse } from '../protocol/agent-protocol.js';
import type { BotIdentity } from './bots/bot-credentials.js';
import { updateBot, type BotRecordPorts } from './bots/bot-records.js';
import { heartbeatWriteAfterMs, nextHeartbeatMs } from '../domain/agent-heartbeat.js';
import type { BotDocument } from '../domain/bot.js';
import { RUN_ERROR_CODES, type RunDocument } from '../domain/run.js';
import { AppError } from '../domain/errors/app-error.js';
import type { AppConfig } from './config/app-config.js';
import type { DocumentStore } from './ports/document-store.js';
import { runDefinition } from './desktop-flows/desktop-flow-versions.js';
import { finishRun, type FinishResult } from './runs/index.js';
import type { RunChangePorts } from './runs/transitions.js';

/** What the agent's heartbeat and finish need: its bot's record, its run, and the run's flow version. */
export interface AgentPorts extends BotRecordPorts, RunChangePorts {
  /** the flow versions */
  store: DocumentStore;
  config: Pick<AppConfig, 'BOT_HEARTBEAT_TIMEOUT_SECONDS'>;
}

const LIVE_STATES = new Set(['Provisioning', 'Ready', 'Busy', 'Draining']);

/**
 * The bot behind a credential, if the credential is still the bot's current one: a credential of an older
 * provisioning, or of a bot being torn down or gone, is refused (that is how credentials are revoked).
 */
export async function currentBot(deps: Pick<BotRecordPorts, 'botStore'>, identity: BotIdentity): Promise<BotDocument> {
  const bot = await deps.botStore.get<BotDocument>(identity.environmentId, identity.botId);
  if (!bot || bot.groupId !== identity.groupId || bot.credentialVersion !== identity.credentialVersion || !LIVE_STATES.has(bot.state)) {
    throw new AppError('Unauthenticated', 'The bot credential has been revoked.');
  }
  return bot;
}

/** How often a held heartbeat re-reads its run (one point read): a cancel reaches the agent within this, plus the kill. */
export const CANCEL_POLL_MS = 1_000;

/** The reported run was cancelled, or ended without the agent (timed out, or cancelled while its bot was recovered). */
const stopAsked = (run: RunDocument | undefined, botId: string) => !run || (run.state === 'Running' && run.botId === botId ? run.cancelRequested : true);

export async function agentHeartbeat(deps: AgentPorts, identity: BotIdentity, reportedRunId: string | undefined, cancelWaitMs = 0): Promise<HeartbeatResponse> {
  const bot = await currentBot(deps, identity);
  const now = deps.now();
  // a heartbeat is written only when the stored one is getting old (busy: a third of the timeout; idle: 5 minutes)
  const refreshAfterMs = heartbeatWriteAfterMs(bot.state === 'Busy', deps.config.BOT_HEARTBEAT_TIMEOUT_SECONDS);
  const stale = (b: BotDocument) => !b.lastHeartbeatAt || now.getTime() - Date.parse(b.lastHeartbeatAt) > refreshAfterMs;
  const updated = stale(bot) ? await updateBot(deps, identity, (b) => (stale(b) ? { ...b, lastHeartbeatAt: now.toISOString() } : undefined)) : bot;
  const runId = updated?.currentRunId ?? bot.currentRunId;
  let assignedRun: AssignedRun | undefined;
  let cancelRequested = false;
  if (runId) {
    const run = await deps.runs.docs.get<RunDocument>(identity.environmentId, runId);
    if (run && run.state === 'Running' && run.botId === identity.botId) {
      // the definition (one read of the run's flow version) only until the agent reports the run as the one it executes
      const executing = reportedRunId === run.id;
      assignedRun = {
        runId: run.id,
        ...(executing ? {} : { definition: await runDefinition(deps, run) }),
        inputs: run.inputs,
        timeoutMinutes: run.timeoutMinutes,
      };
      cancelRequested = executing && (run.cancelRequested || (cancelWaitMs > 0 && (await cancelWithin(deps, identity, run.id, cancelWaitMs))));
    } else if (run && reportedRunId === run.id) {
      // the run ended without the agent (timed out, or cancelled while the bot was being recovered): stop it
      cancelRequested = true;
    }
  }
  return {
    botId: identity.botId,
    ...(assignedRun ? { assignedRun } : {}),
    cancelRequested,
    nextHeartbeatMs: nextHeartbeatMs(updated ?? bot, assignedRun !== undefined, now, deps.config.BOT_HEARTBEAT_TIMEOUT_SECONDS),
  };
}

/**
 * The held part of a busy heartbeat: re-reads the run every CANCEL_POLL_MS for up to `waitMs` (wall time: the agent
 * waits on it), true as soon as the agent should stop it. The cancel API stays a plain write, and a run that is not
 * cancelled costs no Service Bus operation nor function execution more than its heartbeats.
 */
async function cancelWithin(deps: Pick<AgentPorts, 'runs'>, identity: BotIdentity, runId: string, waitMs: number): Promise<boolean> {
  const until = Date.now() + Math.min(waitMs, MAX_CANCEL_WAIT_MS);
  for (let left = until - Date.now(); left > 0; left = until - Date.now()) {
    await sleep(Math.min(CANCEL_POLL_MS, left));
    if (stopAsked(await deps.runs.docs.get<RunDocument>(identity.environmentId, runId), identity.botId)) return true;
  }
  return false;
}

/**
 * The agent's outcome of its run: one idempotent finish, then the bot is Ready again. `lifecycleWaits` says the bot's
 * record carries a pending release or drain: only then is its lifecycle waiting for the run to end (and told so), so a
 * normal run costs no orchestration execution.
 */
export async function agentFinish(
  deps: AgentPorts,
  identity: BotIdentity,
  runId: string,
  request: FinishRequest,
): Promise<FinishResult & { lifecycleWaits: boolean }> {
  await currentBot(deps, identity);
  try {
    const result = await finishRun(deps, {
      environmentId: identity.environmentId,
      runId,
      botId: identity.botId,
      outcome: request.outcome,
      outputs: request.outputs,
      error: request.error,
      logs: request.logs,
    });
    return { ...result, lifecycleWaits: await botIdleAgain(deps, identity, runId) };
  } catch (err) {
    // a refused finish (the run was requeued or taken over) still leaves the bot's agent idle
    await botIdleAgain(deps, identity, runId);
    throw err;
  }
}

/**
 * A claimed run that cannot start (its connection, credential, secret or flow version is gone: nothing a retry
 * mends) ends Failed `RunNotStartable` at once, and its bot is idle again. Otherwise the run would stay Running on a
 * Busy bot whose agent never got it, until its timeout (up to 24 h), and every retried claim would resume it.
 */
export async function failUnstartableRun(
  deps: BotRecordPorts & RunChangePorts,
  identity: BotIdentity,
  runId: string,
  cause: string,
): Promise<FinishResult & { lifecycleWaits: boolean }> {
  const error = { code: RUN_ERROR_CODES.runNotStartable, message: `The run could not start on bot ${identity.botId}: ${cause}` };
  const result = await finishRun(deps, { environmentId: identity.environmentId, runId, botId: identity.botId, outcome: 'Failed', error });
  return { ...result, lifecycleWaits: await botIdleAgain(deps, identity, runId) };
}

/** The bot is idle again as soon as its run ended (its agent waits on the group queue next); conditional write. */
async function botIdleAgain(deps: BotRecordPorts, identity: BotIdentity, runId: string): Promise<boolean> {
  const bot = await updateBot(deps, identity, (b) => {
    if (b.state !== 'Busy' || b.currentRunId !== runId) return undefined;
    const next: BotDocument = { ...b, state: 'Ready', since: deps.now().toISOString() };
    delete next.currentRunId;
    return next;
  });
  return bot !== undefined && (bot.releaseRequested !== undefined || bot.drainRequested !== undefined);
}
