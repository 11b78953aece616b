import type { z } from 'zod';
import type { ApiRequest, ApiResponse } from '../../http/api-route.js';
import { AppError } from '../../../domain/errors/app-error.js';
import { agentFinish, agentHeartbeat, type AgentPorts } from '../../../app/agent.js';
import { agentClaim, agentQueueCredential, type AgentDispatchPorts } from '../../../app/agent-dispatch.js';
import type { AppConfig } from '../../../app/config/app-config.js';
import { bestEffort } from '../../../app/errors/best-effort.js';
import { runLogLine } from '../../../app/observability/run-log.js';
import type { AgentRunPath } from '../path-schemas.js';
import type { Versioned } from '../../../app/ports/document-store.js';
import type { RunDocument } from '../../../domain/run.js';
import type { emptySchema, finishSchema, heartbeatSchema } from './agent-schemas.js';

/** What the agent routes need of the composition root: the use cases' ports, and the retry base of a finished run's callback. */
export type AgentRoutePorts = AgentPorts & AgentDispatchPorts & { config: Pick<AppConfig, 'CALLBACK_RETRY_BASE_SECONDS'> };

/** `POST agent/queue-credential` */
export async function agentQueueCredentialHandler(req: ApiRequest<z.output<typeof emptySchema>>, deps: AgentRoutePorts): Promise<ApiResponse> {
  if (!req.bot) throw new AppError('Unauthenticated', 'A bot credential is required.');
  return { status: 200, body: await agentQueueCredential(deps, req.bot) };
}

/** `POST agent/claim` */
export async function agentClaimHandler(req: ApiRequest<z.output<typeof emptySchema>>, deps: AgentRoutePorts): Promise<ApiResponse> {
  if (!req.bot) throw new AppError('Unauthenticated', 'A bot credential is required.');
  const { response, ended } = await agentClaim(deps, req.bot);
  // never the account: the line names the run and the bot only
  const { environmentId, groupId, botId } = req.bot;
  req.log(
    'assignedRun' in response
      ? runLogLine('claimed', { id: response.assignedRun.runId, groupId, environmentId }, { botId, resumed: response.resumed })
      : `agent.claimNone botId=${botId} reason=${response.none}`,
  );
  if (ended) await afterRunEnded(req, deps, botId, ended);
  return { status: 200, body: response };
}

/** A run a bot ended (finished, or failed at its claim): its log line, the leaving bot's lifecycle, the callback. */
async function afterRunEnded(
  req: ApiRequest<unknown, unknown>,
  deps: AgentRoutePorts,
  botId: string,
  result: { run: Versioned<RunDocument>; changed: boolean; lifecycleWaits: boolean },
  durationMs?: number,
): Promise<void> {
  req.log(runLogLine('finished', result.run, { state: result.run.state, botId, changed: result.changed, durationMs }));
  // only a leaving bot's lifecycle waits for its run to end; a lost event is covered by its re-read timer
  if (result.lifecycleWaits)
    await bestEffort(req.signals().runFinished(botId, result.run.id), `telling the lifecycle of bot ${botId} that run ${result.run.id} ended`);
  await req.signals().afterRunEnded(deps.config.CALLBACK_RETRY_BASE_SECONDS, result.run);
}

/** `POST agent/heartbeat` */
export async function agentHeartbeatHandler(req: ApiRequest<z.output<typeof heartbeatSchema>>, deps: AgentRoutePorts): Promise<ApiResponse> {
  if (!req.bot) throw new AppError('Unauthenticated', 'A bot credential is required.');
  return { status: 200, body: await agentHeartbeat(deps, req.bot, req.body.runId, req.body.cancelWaitMs) };
}

/** `POST agent/runs/{runId}/finish` */
export async function agentFinishRunHandler(req: ApiRequest<z.output<typeof finishSchema>, AgentRunPath>, deps: AgentRoutePorts): Promise<ApiResponse> {
  if (!req.bot) throw new AppError('Unauthenticated', 'A bot credential is required.');
  const { runId } = req.params;
  const result = await agentFinish(deps, req.bot, runId, req.body);
  await afterRunEnded(req, deps, req.bot.botId, result, req.body.durationMs);
  return { status: 200, body: { runId: result.run.id, state: result.run.state, changed: result.changed } };
}
