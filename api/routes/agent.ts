import { z } from 'zod';
import { defineRoute, type ApiRoute } from '../http/api-route.js';
import { AppError } from '../../domain/errors/app-error.js';
import { requireGuid } from '../../domain/validation.js';
import { agentFinish, agentHeartbeat } from '../../app/agent.js';
import { agentClaim, agentQueueCredential } from '../../app/agent-dispatch.js';
import { runLogLine } from '../../app/observability/run-log.js';
import { problemSchema } from '../common-schemas.js';
import { MAX_CANCEL_WAIT_MS } from '../../protocol/agent-protocol.js';
import { stepLogsSchema } from '../step-log-schemas.js';
import { bestEffort } from '../../app/errors/best-effort.js';

const heartbeatSchema = z
  .strictObject({
    runId: z.string().max(64).optional(),
    agentVersion: z.string().max(64).optional(),
    cancelWaitMs: z
      .number()
      .int()
      .min(0)
      .max(MAX_CANCEL_WAIT_MS)
      .optional()
      .describe('Busy agents: hold the answer up to this long, answering at once when the run is cancelled or ends.'),
  })
  .meta({ id: 'AgentHeartbeat' });

const heartbeatResponseSchema = z
  .object({
    botId: z.string(),
    assignedRun: z
      .object({
        runId: z.string(),
        definition: z
          .object({ steps: z.array(z.unknown()) })
          .optional()
          .describe('The flow version to execute; left out once the heartbeat reports this run as the one the agent executes.'),
        inputs: z.record(z.string(), z.unknown()),
        timeoutMinutes: z.number(),
      })
      .optional(),
    cancelRequested: z.boolean(),
    nextHeartbeatMs: z
      .number()
      .int()
      .describe(
        'When to call again: 500 ms while booting or idle under a minute, 5 s when idle longer, BOT_HEARTBEAT_TIMEOUT_SECONDS / 6 (at most 10 s) while busy.',
      ),
  })
  .meta({ id: 'AgentHeartbeatResponse' });

const finishSchema = z
  .strictObject({
    outcome: z.enum(['Succeeded', 'Failed', 'Cancelled']),
    outputs: z.record(z.string().max(100), z.string()).optional(),
    error: z.strictObject({ code: z.string().max(100), message: z.string().max(4_000) }).optional(),
    durationMs: z.number().int().min(0).optional(),
    logs: stepLogsSchema.optional().describe("Each executed step's log (bounded); the run keeps the first 32 KiB."),
  })
  .meta({ id: 'AgentFinish' });

const emptySchema = z.strictObject({}).meta({ id: 'AgentEmptyRequest' });

const queueCredentialSchema = z
  .object({
    fullyQualifiedNamespace: z.string(),
    queueName: z.string(),
    sasToken: z.string().describe("Receive-only (Listen) SAS token scoped to the bot's group queue."),
    expiresOn: z.string().describe('ISO 8601; renew before (AzureSASCredential.update).'),
  })
  .meta({ id: 'AgentQueueCredential' });

const claimResponseSchema = z
  .union([
    z.object({
      assignedRun: z.object({
        runId: z.string(),
        definition: z.object({ steps: z.array(z.unknown()) }),
        inputs: z.record(z.string(), z.unknown()),
        timeoutMinutes: z.number(),
        account: z
          .object({ username: z.string(), password: z.string() })
          .describe("The run connection's account; the process starts as it. Never logged nor stored."),
      }),
      resumed: z.boolean().describe('The bot already held this run (a retried claim).'),
    }),
    z.object({
      none: z
        .string()
        .describe('Why no run was assigned (QueueEmpty, NothingQueued, DispatchPaused, Contention, ...): complete the wake-up and wait for the next.'),
    }),
  ])
  .meta({ id: 'AgentClaim' });

const problem = (description: string) => ({ description, schema: problemSchema });
const TAG = 'Agent';

/** The bot agent's own surface: only bot credentials, only the bot's own runs. */
export const agentRoutes: ApiRoute<unknown>[] = [
  defineRoute({
    name: 'agentQueueCredential',
    method: 'POST',
    route: 'agent/queue-credential',
    summary: "A short-lived receive-only SAS token for the bot's group queue, whose wake-ups the agent competes for.",
    tag: TAG,
    auth: 'bot',
    body: emptySchema,
    responses: {
      200: { description: 'The token and the queue it is scoped to', schema: queueCredentialSchema },
      401: problem('Not a valid or current bot credential'),
      503: problem('The signing key is unavailable'),
    },
    async handle(req, deps) {
      if (!req.bot) throw new AppError('Unauthenticated', 'A bot credential is required.');
      return { status: 200, body: await agentQueueCredential(deps, req.bot) };
    },
  }),
  defineRoute({
    name: 'agentClaim',
    method: 'POST',
    route: 'agent/claim',
    summary: "Assigns the group's next run in dispatch order to the calling bot (after a wake-up); a retry answers the same run.",
    tag: TAG,
    auth: 'bot',
    body: emptySchema,
    responses: {
      200: { description: 'The assigned run, or why there is none', schema: claimResponseSchema },
      401: problem('Not a valid or current bot credential'),
    },
    async handle(req, deps) {
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
    },
  }),
  defineRoute({
    name: 'agentHeartbeat',
    method: 'POST',
    route: 'agent/heartbeat',
    summary: 'The agent is alive; answers the run assigned to the bot and whether the run it executes was cancelled (held up to cancelWaitMs for a cancel).',
    tag: TAG,
    auth: 'bot',
    body: heartbeatSchema,
    responses: { 200: { description: 'What the agent should do', schema: heartbeatResponseSchema }, 401: problem('Not a valid or current bot credential') },
    async handle(req, deps) {
      if (!req.bot) throw new AppError('Unauthenticated', 'A bot credential is required.');
      return { status: 200, body: await agentHeartbeat(deps, req.bot, req.body.runId, req.body.cancelWaitMs) };
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
    responses: {
      200: { description: 'The run as it ended' },
      401: problem('Not a valid or current bot credential'),
      403: problem('The run is assigned to another bot'),
      404: problem('No such run'),
      422: problem('The run is not running'),
    },
    async handle(req, deps) {
      if (!req.bot) throw new AppError('Unauthenticated', 'A bot credential is required.');
      const runId = requireGuid(req.params.runId, 'Run');
      const result = await agentFinish(deps, req.bot, runId, req.body);
      req.log(runLogLine('finished', result.run, { state: result.run.state, botId: req.bot.botId, changed: result.changed, durationMs: req.body.durationMs }));
      // only a leaving bot's lifecycle waits for its run to end; a lost event is covered by its re-read timer
      if (result.lifecycleWaits)
        await bestEffort(req.signals().runFinished(req.bot.botId, runId), `telling the lifecycle of bot ${req.bot.botId} that run ${runId} ended`);
      await req.signals().afterRunEnded(deps.config.CALLBACK_RETRY_BASE_SECONDS, result.run);
      return { status: 200, body: { runId: result.run.id, state: result.run.state, changed: result.changed } };
    },
  }),
];
