import { defineRoute, type ApiRoute, type RawPathParams } from '../../http/api-route.js';
import { problemSchema } from '../../common-schemas.js';
import { agentRunPath } from '../path-schemas.js';
import { agentClaimHandler, agentFinishRunHandler, agentHeartbeatHandler, agentQueueCredentialHandler } from './agent-handlers.js';
import type { AgentRoutePorts } from './agent-handlers.js';
import { claimResponseSchema, emptySchema, finishSchema, heartbeatResponseSchema, heartbeatSchema, queueCredentialSchema } from './agent-schemas.js';

const problem = (description: string) => ({ description, schema: problemSchema });
const TAG = 'Agent';

/** The bot agent's own surface: only bot credentials, only the bot's own runs. */
export const agentRoutes: ApiRoute<unknown, RawPathParams, AgentRoutePorts>[] = [
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
    handle: agentQueueCredentialHandler,
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
    handle: agentClaimHandler,
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
    handle: agentHeartbeatHandler,
  }),
  defineRoute({
    name: 'agentFinishRun',
    method: 'POST',
    route: 'agent/runs/{runId}/finish',
    params: agentRunPath,
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
    handle: agentFinishRunHandler,
  }),
];
