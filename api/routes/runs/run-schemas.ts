import { GUID, isoTimeSchema, listOf, resourceFields, userIdSchema } from '../../common-schemas.js';
import { z } from 'zod';
import {
  DEFAULT_TIMEOUT_MINUTES,
  jsonBytes,
  MAX_INPUTS_BYTES,
  MAX_TIMEOUT_MINUTES,
  MIN_TIMEOUT_MINUTES,
  RUN_PRIORITIES,
  RUN_STATES,
} from '../../../domain/run.js';
import { CALLBACK_STATES } from '../../../domain/run-callback.js';
import { flowDefinitionSchema } from '../../desktop-flow-schemas.js';
import { pagingQueryDocs } from '../../paging.js';
import { scalingDecisionSchema } from '../../scaling-decision-schema.js';
import { stepLogsSchema } from '../../step-log-schemas.js';

export const prioritySchema = z.enum(RUN_PRIORITIES);

const callbackUrlSchema = z
  .string()
  .describe(
    "Where the run's final representation is POSTed when it ends, signed with the environment's webhook secret (X-Signature: sha256=<hex HMAC>): absolute, https, a public host, at most 2,048 characters (docs/callbacks.md).",
  );

export const callbackSubscriptionSchema = z
  .strictObject({ callbackUrl: callbackUrlSchema.meta({ 'x-ms-notification-url': true, 'x-ms-visibility': 'internal' }) })
  .meta({ id: 'RunCallbackSubscription' });

export const submitRunSchema = z
  .strictObject({
    connectionId: z.string().regex(GUID, 'Must be the id (GUID) of a connection of the environment.'),
    desktopFlowId: z.string().regex(GUID, 'Must be the id (GUID) of a desktop flow of the environment.'),
    inputs: z
      .record(z.string(), z.unknown())
      .default({})
      .refine((inputs) => jsonBytes(inputs) <= MAX_INPUTS_BYTES, `Must be at most ${MAX_INPUTS_BYTES} bytes as JSON (64 KiB).`),
    priority: prioritySchema.default('Normal'),
    timeoutMinutes: z.number().int().min(MIN_TIMEOUT_MINUTES).max(MAX_TIMEOUT_MINUTES).default(DEFAULT_TIMEOUT_MINUTES),
    callbackUrl: callbackUrlSchema.optional(),
  })
  .meta({ id: 'RunSubmit' });

export const changePrioritySchema = z.strictObject({ priority: prioritySchema }).meta({ id: 'RunPriorityChange' });

export const runCallbackSchema = z
  .object({
    target: z.string().describe("The callback URL's origin and path (its query, which may carry a signature, is never shown)."),
    state: z.enum(CALLBACK_STATES).describe('Pending until delivered (2xx), unsubscribed (410 Gone or DELETE .../callback), or Failed after 24 h of retries.'),
    attempts: z.number().int(),
    lastStatus: z.number().int().nullable().describe("The receiver's HTTP status at the latest attempt; 0: no answer (timeout, refused, blocked address)."),
    lastAttemptAt: z.string().nullable(),
  })
  .meta({ id: 'RunCallback' });

const runErrorSchema = z.object({ code: z.string(), message: z.string() }).nullable();

export const runSummarySchema = z
  .object({
    ...resourceFields,
    groupId: z.string(),
    connectionId: z.string(),
    desktopFlowId: z.string(),
    desktopFlowName: z.string(),
    desktopFlowVersion: z.number().int().describe('The version of the desktop flow the run was submitted with (and executes), whatever the flow became since.'),
    priority: prioritySchema,
    timeoutMinutes: z.number().int(),
    state: z.enum(RUN_STATES),
    queuedAt: z.string(),
    movedToTopAt: z.string().nullable(),
    startedAt: z.string().nullable(),
    endedAt: z.string().nullable(),
    botId: z.string().nullable(),
    attempt: z.number().int(),
    cancelRequested: z.boolean(),
    error: runErrorSchema,
    submittedBy: z.string(),
    submittedByName: z.string().optional().describe("The submitter's display name at submission (its member document's)."),
    callback: runCallbackSchema.optional().describe('Present when the run was submitted with a callbackUrl.'),
  })
  .meta({ id: 'RunSummary' });

export const runSchema = runSummarySchema
  .extend({
    definition: flowDefinitionSchema.describe('The definition of desktopFlowVersion.'),
    inputs: z.record(z.string(), z.unknown()),
    outputs: z.record(z.string(), z.unknown()).nullable(),
    logs: stepLogsSchema.describe("The agent's log of each executed step, as the run ended (empty until then; at most 32 KiB)."),
  })
  .meta({ id: 'Run' });

const queueEntrySchema = runSummarySchema
  .extend({
    position: z.number().int(),
    waitSeconds: z.number().int(),
    expectedStartAt: z
      .string()
      .nullable()
      .optional()
      .describe(
        "A queued run's expected start (ISO 8601), from the group's bots, the runs ahead and the learned provisioning and run times; null when no bot is expected for it (expectedStartReason says why); absent for running runs.",
      ),
    expectedStartReason: z
      .string()
      .optional()
      .describe("Why expectedStartAt is null: `group-in-maintenance`, the controller's latest reason (e.g. `group-at-max-bots`), or `no-bot-yet`."),
  })
  .meta({ id: 'QueueEntry' });
export const queueSchema = listOf(queueEntrySchema).extend({
  lastScalingDecision: scalingDecisionSchema.optional().describe("The environment controller's latest decision about the group; absent before its first."),
});

/** The filters of `GET /environments/{env}/runs`, as the OpenAPI document lists them (with the paging parameters). */
export const runListQueryDocs = {
  state: { description: 'Only runs in this state.', schema: z.enum(RUN_STATES) },
  groupId: { description: 'Only runs of this group (GUID).', schema: z.string().regex(GUID) },
  desktopFlowId: { description: 'Only runs of this desktop flow (GUID).', schema: z.string().regex(GUID) },
  submittedBy: { description: 'Only runs this user or app submitted (its id).', schema: userIdSchema },
  from: { description: 'Only runs queued at or after this time (ISO 8601, e.g. 2026-01-31T00:00:00Z).', schema: isoTimeSchema },
  to: { description: 'Only runs queued at or before this time (ISO 8601); not before `from`.', schema: isoTimeSchema },
  ...pagingQueryDocs,
};
