import { z } from 'zod';
import { MAX_CANCEL_WAIT_MS } from '../../../protocol/agent-protocol.js';
import { stepLogsSchema } from '../../step-log-schemas.js';

export const heartbeatSchema = z
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

export const heartbeatResponseSchema = z
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

export const finishSchema = z
  .strictObject({
    outcome: z.enum(['Succeeded', 'Failed', 'Cancelled']),
    outputs: z.record(z.string().max(100), z.string()).optional(),
    error: z.strictObject({ code: z.string().max(100), message: z.string().max(4_000) }).optional(),
    durationMs: z.number().int().min(0).optional(),
    logs: stepLogsSchema.optional().describe("Each executed step's log (bounded); the run keeps the first 32 KiB."),
  })
  .meta({ id: 'AgentFinish' });

export const emptySchema = z.strictObject({}).meta({ id: 'AgentEmptyRequest' });

export const queueCredentialSchema = z
  .object({
    fullyQualifiedNamespace: z.string(),
    queueName: z.string(),
    sasToken: z.string().describe("Receive-only (Listen) SAS token scoped to the bot's group queue."),
    expiresOn: z.string().describe('ISO 8601; renew before (AzureSASCredential.update).'),
  })
  .meta({ id: 'AgentQueueCredential' });

export const claimResponseSchema = z
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
        .describe(
          'Why no run was assigned (QueueEmpty, NothingQueued, DispatchPaused, Contention, ...; RunNotStartable: the run claimed could not start, its connection, credential or flow version being gone, and ended Failed): complete the wake-up and wait for the next.',
        ),
    }),
  ])
  .meta({ id: 'AgentClaim' });
