import type { z } from 'zod';
import type { ApiRequest, ApiResponse } from '../../http/api-route.js';
import { AppError } from '../../../domain/errors/app-error.js';
import { agentFinish, agentHeartbeat, type AgentPorts } from '../../../app/agent.js';
import { agentClaim, agentQueueCredential, type AgentDispatchPorts } from '../../../app/agent-dispatch.js';
import type { AppConfig } from '../../../app/config/app-config.js';
import { bestEffort } from '../../../app/errors/best-effort.js';
import { runLogLine } from '../../../app/observability/run-log.js';
import type { AgentRunPath } from '../path-schemas.js';
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
  const result = await agentClaim(deps, req.bot);
  // never the account: the line names the run and the bot only
  const { environmentId, groupId, botId } = req.bot;
  req.log(
    'assignedRun' in result
      ? runLogLine('claimed', { id: result.assignedRun.runId, groupId, environmentId }, { botId, resumed: result.resumed })
      : `agent.claimNone botId=${botId} reason=${result.none}`,
  );
  return { status: 200, body: result };
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
  req.log(runLogLine('finished', result.run, { state: result.run.state, botId: req.bot.botId, changed: result.changed, durationMs: req.body.durationMs }));
  // only a leaving bot's lifecycle waits for its run to end; a lost event is covered by its re-read timer
  if (result.lifecycleWaits)
    await bestEffort(req.signals().runFinished(req.bot.botId, runId), `telling the lifecycle of bot ${req.bot.botId} that run ${runId} ended`);
  await req.signals().afterRunEnded(deps.config.CALLBACK_RETRY_BASE_SECONDS, result.run);
  return { status: 200, body: { runId: result.run.id, state: result.run.state, changed: result.changed } };
}
