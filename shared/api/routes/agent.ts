import { z } from 'zod';
import { defineRoute, type ApiRoute } from '../../http/api-route.js';
import { AppError } from '../../errors/app-error.js';
import { requireGuid } from '../../domain/validation.js';
import { agentFinish, agentHeartbeat } from '../../services/agent.js';
import { BOT_EVENTS, botInstanceId } from '../../../orchestrations/names.js';
import { runLogLine } from '../../observability/run-log.js';
import { problemSchema } from '../common-schemas.js';

const heartbeatSchema = z.strictObject({ runId: z.string().max(64).optional(), agentVersion: z.string().max(64).optional() }).meta({ id: 'AgentHeartbeat' });

const heartbeatResponseSchema = z
  .object({
    botId: z.string(),
    assignedRun: z.object({ runId: z.string(), definition: z.object({ steps: z.array(z.unknown()) }).optional().describe('The flow version to execute; left out once the heartbeat reports this run as the one the agent executes.'), inputs: z.record(z.string(), z.unknown()), timeoutMinutes: z.number() }).optional(),
    cancelRequested: z.boolean(),
    nextHeartbeatMs: z.number().int().describe('When to call again: 500 ms while booting or idle under a minute, 5 s when idle longer, BOT_HEARTBEAT_TIMEOUT_SECONDS / 6 (at most 10 s) while busy.'),
  })
  .meta({ id: 'AgentHeartbeatResponse' });

const finishSchema = z
  .strictObject({
    outcome: z.enum(['Succeeded', 'Failed', 'Cancelled']),
    outputs: z.record(z.string().max(100), z.string()).optional(),
    error: z.strictObject({ code: z.string().max(100), message: z.string().max(4_000) }).optional(),
    durationMs: z.number().int().min(0).optional(),
  })
  .meta({ id: 'AgentFinish' });

const problem = (description: string) => ({ description, schema: problemSchema });
const TAG = 'Agent';

/** The bot agent's own surface: only bot credentials, only the bot's own runs. */
export const agentRoutes: ApiRoute<unknown>[] = [
  defineRoute({
    name: 'agentHeartbeat',
    method: 'POST',
    route: 'agent/heartbeat',
    summary: 'The agent is alive; answers the run assigned to the bot and whether the run it executes was cancelled.',
    tag: TAG,
    auth: 'bot',
    body: heartbeatSchema,
    responses: { 200: { description: 'What the agent should do', schema: heartbeatResponseSchema }, 401: problem('Not a valid or current bot credential') },
    async handle(req, deps) {
      if (!req.bot) throw new AppError('Unauthenticated', 'A bot credential is required.');
      return { status: 200, body: await agentHeartbeat(deps, req.bot, req.body.runId) };
    },
  }),
  defineRoute({
    name: 'agentFinishRun',
    method: 'POST',
    route: 'agent/runs/{runId}/finish',
    summary: "Reports the outcome of the bot's run (idempotent); outputs over 64 KiB fail the run with OutputsTooLarge.",
    tag: TAG,
    wakesController: true,
    auth: 'bot',
    durableClient: true,
    body: finishSchema,
    responses: { 200: { description: 'The run as it ended' }, 401: problem('Not a valid or current bot credential'), 403: problem('The run is assigned to another bot'), 404: problem('No such run'), 422: problem('The run is not running') },
    async handle(req, deps) {
      if (!req.bot) throw new AppError('Unauthenticated', 'A bot credential is required.');
      const runId = requireGuid(req.params.runId, 'Run');
      const result = await agentFinish(deps, req.bot, runId, req.body);
      req.log(runLogLine('finished', result.run, { state: result.run.state, botId: req.bot.botId, changed: result.changed, durationMs: req.body.durationMs }));
      // the bot's lifecycle waits for this to take its next run; a lost event is covered by its health check
      await req.durableClient().raiseEvent(botInstanceId(req.bot.botId), BOT_EVENTS.runFinished, { runId }).catch(() => undefined);
      return { status: 200, body: { runId: result.run.id, state: result.run.state, changed: result.changed } };
    },
  }),
];
