import { z } from 'zod';
import {
  DEFAULT_TIMEOUT_MINUTES,
  jsonBytes,
  MAX_INPUTS_BYTES,
  MAX_TIMEOUT_MINUTES,
  MIN_TIMEOUT_MINUTES,
  RUN_PRIORITIES,
  RUN_STATES,
  type RunDocument,
} from '../../domain/run.js';
import { CALLBACK_STATES, callbackView } from '../../domain/run-callback.js';
import { subscribeRunCallback, unsubscribeRunCallback } from '../../services/callbacks/subscription.js';
import { pageOf, pagingQueryDocs } from '../paging.js';
import { queryFilters } from '../query-filters.js';
import { defineRoute, type ApiResponse, type ApiRoute } from '../../http/api-route.js';
import { runLogLine } from '../../observability/run-log.js';
import {
  cancelRun,
  changeRunPriority,
  getRun,
  groupQueue,
  idempotencyKeyOf,
  listRuns,
  moveRunToTop,
  pastRuns,
  resubmitRun,
  submitRun,
} from '../../services/runs/index.js';
import type { Services } from '../../composition/services.js';
import type { FlowDefinition } from '../../domain/desktop-flow.js';
import { runDefinition } from '../../services/desktop-flow-versions.js';
import type { Versioned } from '../../store/document-store.js';
import { GUID, listOf, problemSchema, resourceFields, userIdSchema } from '../common-schemas.js';
import { flowDefinitionSchema } from '../desktop-flow-schemas.js';
import { queueEntryResource, runResource, runSummaryResource } from '../run-presenters.js';
import { scalingDecisionResource, scalingDecisionSchema } from '../scaling-decision-schema.js';
import { stepLogsSchema } from '../step-log-schemas.js';
import { bestEffort } from '../../errors/best-effort.js';

/** Seconds a poller is asked to wait before asking again (the `Retry-After` of 202 answers). */
export const RETRY_AFTER_SECONDS = { Queued: 10, Running: 5 } as const;

const prioritySchema = z.enum(RUN_PRIORITIES);

const callbackUrlSchema = z
  .string()
  .describe(
    "Where the run's final representation is POSTed when it ends, signed with the environment's webhook secret (X-Signature: sha256=<hex HMAC>): absolute, https, a public host, at most 2,048 characters (docs/callbacks.md).",
  );

const callbackSubscriptionSchema = z
  .strictObject({ callbackUrl: callbackUrlSchema.meta({ 'x-ms-notification-url': true, 'x-ms-visibility': 'internal' }) })
  .meta({ id: 'RunCallbackSubscription' });

const submitRunSchema = z
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

const changePrioritySchema = z.strictObject({ priority: prioritySchema }).meta({ id: 'RunPriorityChange' });

const runCallbackSchema = z
  .object({
    target: z.string().describe("The callback URL's origin and path (its query, which may carry a signature, is never shown)."),
    state: z.enum(CALLBACK_STATES).describe('Pending until delivered (2xx), unsubscribed (410 Gone or DELETE .../callback), or Failed after 24 h of retries.'),
    attempts: z.number().int(),
    lastStatus: z.number().int().nullable().describe("The receiver's HTTP status at the latest attempt; 0: no answer (timeout, refused, blocked address)."),
    lastAttemptAt: z.string().nullable(),
  })
  .meta({ id: 'RunCallback' });

const runErrorSchema = z.object({ code: z.string(), message: z.string() }).nullable();

const runSummarySchema = z
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

const runSchema = runSummarySchema
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
const queueSchema = listOf(queueEntrySchema).extend({
  lastScalingDecision: scalingDecisionSchema.optional().describe("The environment controller's latest decision about the group; absent before its first."),
});

const isoTimeSchema = z.iso.datetime({ offset: true });

/** The filters of `GET /environments/{env}/runs`, as the OpenAPI document lists them (with the paging parameters). */
const runListQueryDocs = {
  state: { description: 'Only runs in this state.', schema: z.enum(RUN_STATES) },
  groupId: { description: 'Only runs of this group (GUID).', schema: z.string().regex(GUID) },
  desktopFlowId: { description: 'Only runs of this desktop flow (GUID).', schema: z.string().regex(GUID) },
  submittedBy: { description: 'Only runs this user or app submitted (its id).', schema: userIdSchema },
  from: { description: 'Only runs queued at or after this time (ISO 8601, e.g. 2026-01-31T00:00:00Z).', schema: isoTimeSchema },
  to: { description: 'Only runs queued at or before this time (ISO 8601); not before `from`.', schema: isoTimeSchema },
  ...pagingQueryDocs,
};

/** The filters from the query string: each validated against its documented schema, 400 naming every bad one. */
function runListFilterOf(query: URLSearchParams) {
  const filters = queryFilters(query);
  const state = filters.read('state', z.enum(RUN_STATES), `Must be one of ${RUN_STATES.join(', ')}.`);
  const groupId = filters.read('groupId', z.string().regex(GUID), 'Must be the id (GUID) of a group.');
  const desktopFlowId = filters.read('desktopFlowId', z.string().regex(GUID), 'Must be the id (GUID) of a desktop flow.');
  const submittedBy = filters.read('submittedBy', userIdSchema, 'Must be a user or app id.');
  const { from, to } = filters.range(isoTimeSchema);
  filters.done('The run filters are not valid.');
  return { state, groupId: groupId?.toLowerCase(), desktopFlowId: desktopFlowId?.toLowerCase(), submittedBy, from, to };
}

const problem = (description: string) => ({ description, schema: problemSchema });
const TAG = 'Runs';
const RUN = 'environments/{env}/runs/{id}';
const runPath = (run: RunDocument) => `environments/${run.environmentId}/runs/${run.id}`;

/**
 * The asynchronous request-reply answer: 202 with `Location` (poll here) and `Retry-After` while the run is queued
 * or running, 200 with its outputs or error once it has ended.
 */
async function runStatusResponse(deps: Services, run: Versioned<RunDocument>): Promise<ApiResponse> {
  const body = await runBody(deps, run);
  if (run.state === 'Queued' || run.state === 'Running') {
    return { status: 202, body, etag: run.etag, location: runPath(run), headers: { 'retry-after': String(RETRY_AFTER_SECONDS[run.state]) } };
  }
  return { status: 200, body, etag: run.etag };
}

/** The run with the definition of its flow version: one point read, unless the caller has the definition at hand. */
async function runBody(deps: Services, run: Versioned<RunDocument>, definition?: FlowDefinition) {
  return runResource(run, definition ?? (await runDefinition(deps, run)));
}

export const runsRoutes: ApiRoute<unknown>[] = [
  defineRoute({
    name: 'listRuns',
    method: 'GET',
    route: 'environments/{env}/runs',
    summary:
      "The environment's runs the caller may see (SystemAdministrators: all; others: runs of groups they may use and runs they submitted, of deleted groups too), the most recently queued first, paged with continuationToken. Filters combine: state, groupId, desktopFlowId, submittedBy, from and to (on queuedAt, inclusive).",
    tag: TAG,
    auth: 'user',
    query: runListQueryDocs,
    responses: {
      200: { description: 'Runs, newest first', schema: listOf(runSummarySchema) },
      400: problem(
        'A filter of the wrong type (named in errors), from after to, an unknown query parameter, invalid pageSize, or InvalidContinuationToken (also a token of other filters)',
      ),
      404: problem('Environment not found or not a member'),
    },
    async handle(req, deps) {
      const filter = runListFilterOf(req.query);
      const page = await listRuns(deps, req.principal, req.params.env, filter, pageOf(req.query));
      return {
        status: 200,
        body: { items: page.items.map(runSummaryResource), ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}) },
      };
    },
  }),
  defineRoute({
    name: 'submitRun',
    method: 'POST',
    route: 'environments/{env}/runs',
    summary:
      "Submit a desktop-flow run through a connection: it is queued on the connection's group. Answers 202 with the run's Location (poll it) and Retry-After. The same Idempotency-Key (per caller, 24 h) answers the first run.",
    tag: TAG,
    auth: 'user',
    durableClient: true,
    auditImplied: { status: 202 },
    body: submitRunSchema,
    requestHeaders: {
      'Idempotency-Key': {
        description: 'Up to 128 printable ASCII characters; the same key with the same body within 24 h answers the first run, with another body 422.',
      },
    },
    responses: {
      202: { description: 'Accepted (or replayed): the run, with Location and Retry-After', schema: runSchema },
      400: problem('Invalid body (inputs above 64 KiB, timeoutMinutes outside 1..1440, unknown fields) or Idempotency-Key'),
      403: problem(
        'The connection is not yours (SystemAdministrators may use any); GroupAccessRevoked: you no longer have use of its group (share removed, role lost); CredentialAccessRevoked: you may no longer use its credential',
      ),
      404: problem('Environment, connection or desktop flow not found'),
      422: problem(
        "HostedRpaDisabled, GroupDeleted, IdempotencyKeyReused; CredentialsOutdated: the group's account password was rotated since the connection was checked (PATCH the connection, or rotate its credential)",
      ),
      429: problem(
        'QueueFull: the group holds MAX_QUEUED_RUNS_PER_GROUP queued runs (default 10000); or TooManyRequests (RATE_LIMIT_PER_MINUTE). Retry after Retry-After seconds',
      ),
    },
    async handle(req, deps) {
      const idempotencyKey = idempotencyKeyOf(req.headers.get('idempotency-key'));
      const { run, definition, roundNeeded } = await submitRun(deps, req.principal, req.params.env, req.body, { idempotencyKey, runId: req.createdId });
      req.log(runLogLine('submitted', run, { priority: run.priority }));
      // the environment's controller plans for the new run unless an idle bot takes it from the queue (a failure
      // here is covered by the controller's periodic round)
      if (roundNeeded) await bestEffort(req.signals().wakeController(run.environmentId), `waking the controller of ${run.environmentId}`);
      return {
        status: 202,
        body: await runBody(deps, run, definition),
        etag: run.etag,
        location: runPath(run),
        headers: { 'retry-after': String(run.state === 'Running' ? RETRY_AFTER_SECONDS.Running : RETRY_AFTER_SECONDS.Queued) },
      };
    },
  }),
  defineRoute({
    name: 'resubmitRun',
    method: 'POST',
    route: `${RUN}/resubmit`,
    summary:
      "Submit a new run with the same connection, desktop flow version (not the flow's current one), inputs, priority and timeout as this one, under the same checks as a submission. Answers 202 with the new run's Location and Retry-After.",
    tag: TAG,
    auth: 'user',
    durableClient: true,
    requestHeaders: { 'Idempotency-Key': { description: 'As on submit: the same key within 24 h answers the first run.' } },
    responses: {
      202: { description: 'The new run, with Location and Retry-After', schema: runSchema },
      400: problem('Invalid Idempotency-Key'),
      403: problem('The connection is not yours (SystemAdministrators may use any); GroupAccessRevoked; CredentialAccessRevoked'),
      404: problem('Run not found or not visible to the caller; its connection or desktop flow is gone'),
      422: problem('HostedRpaDisabled, GroupDeleted, IdempotencyKeyReused, CredentialsOutdated'),
      429: problem('QueueFull or TooManyRequests: retry after Retry-After seconds'),
    },
    async handle(req, deps) {
      const idempotencyKey = idempotencyKeyOf(req.headers.get('idempotency-key'));
      const { run, definition, roundNeeded } = await resubmitRun(deps, req.principal, req.params.env, req.params.id, { idempotencyKey });
      req.log(runLogLine('submitted', run, { priority: run.priority, resubmitOf: req.params.id ?? '' }));
      // as for a submit: unless an idle bot takes it (the controller's periodic round plans for the run anyway)
      if (roundNeeded) await bestEffort(req.signals().wakeController(run.environmentId), `waking the controller of ${run.environmentId}`);
      return {
        status: 202,
        body: await runBody(deps, run, definition),
        etag: run.etag,
        location: runPath(run),
        headers: { 'retry-after': String(run.state === 'Running' ? RETRY_AFTER_SECONDS.Running : RETRY_AFTER_SECONDS.Queued) },
      };
    },
  }),
  defineRoute({
    name: 'getRun',
    method: 'GET',
    route: RUN,
    summary: "A run's status: 202 with Location and Retry-After while Queued or Running, 200 with outputs or error once ended (asynchronous request-reply).",
    tag: TAG,
    auth: 'user',
    responses: {
      200: { description: 'Ended: Succeeded, Failed, Cancelled or TimedOut, with outputs or error', schema: runSchema },
      202: { description: 'Queued or Running: poll the Location again after Retry-After seconds', schema: runSchema },
      404: problem('Not found, or not visible to the caller'),
    },
    async handle(req, deps) {
      return runStatusResponse(deps, await getRun(deps, req.principal, req.params.env, req.params.id));
    },
  }),
  defineRoute({
    name: 'changeRunPriority',
    method: 'PATCH',
    route: RUN,
    summary: "Change a queued run's priority (its submitter, the group's owner and CoOwners, SystemAdministrators).",
    tag: TAG,
    wakesController: true,
    auth: 'user',
    conditional: true,
    body: changePrioritySchema,
    responses: {
      200: { description: 'The run with its new priority', schema: runSchema },
      400: problem('Invalid body'),
      403: problem('May see but not control the run'),
      404: problem('Not found, or not visible to the caller'),
      412: problem('Stale If-Match'),
      422: problem('RunNotQueued'),
    },
    async handle(req, deps) {
      const run = await changeRunPriority(deps, req.principal, req.params.env, req.params.id, req.body.priority, req.ifMatch);
      return { status: 200, body: await runBody(deps, run), etag: run.etag };
    },
  }),
  defineRoute({
    name: 'moveRunToTop',
    method: 'POST',
    route: `${RUN}/move-to-top`,
    summary:
      "Put a queued run first in its group's dispatch order (the group's owner and CoOwners, SystemAdministrators: it jumps other users' runs, so its submitter alone may not).",
    tag: TAG,
    wakesController: true,
    auth: 'user',
    responses: {
      200: { description: 'The run, now first in line', schema: runSchema },
      403: problem('May see the run but not manage its group (its submitter included: they may reprioritise or cancel it)'),
      404: problem('Not found, or not visible to the caller'),
      422: problem('RunNotQueued'),
    },
    async handle(req, deps) {
      const run = await moveRunToTop(deps, req.principal, req.params.env, req.params.id);
      return { status: 200, body: await runBody(deps, run), etag: run.etag };
    },
  }),
  defineRoute({
    name: 'cancelRun',
    method: 'POST',
    route: `${RUN}/cancel`,
    summary:
      'Cancel a run: a queued run ends Cancelled and is never dispatched (200); a running run is stopped by its bot and ends Cancelled, whatever the bot reports afterwards (202, cancelRequested); a run that had already ended answers 409.',
    tag: TAG,
    wakesController: true,
    durableClient: true,
    auth: 'user',
    responses: {
      200: { description: 'Cancelled (it was queued, or was cancelled already)', schema: runSchema },
      202: { description: 'Running: its bot is told to stop and will finish it as Cancelled', schema: runSchema },
      403: problem('May see but not control the run'),
      404: problem('Not found, or not visible to the caller'),
      409: problem('RunAlreadyEnded: the run ended (Succeeded, Failed, TimedOut) before the cancel'),
    },
    async handle(req, deps) {
      const { run, outcome } = await cancelRun(deps, req.principal, req.params.env, req.params.id);
      req.log(runLogLine('cancelled', run, { outcome, by: req.principal.userId }));
      await req.signals().afterRunEnded(deps.config.CALLBACK_RETRY_BASE_SECONDS, run);
      const body = await runBody(deps, run);
      if (outcome === 'requested')
        return { status: 202, body, etag: run.etag, location: runPath(run), headers: { 'retry-after': String(RETRY_AFTER_SECONDS.Running) } };
      return { status: 200, body, etag: run.etag };
    },
  }),
  defineRoute({
    name: 'subscribeRunCallback',
    method: 'POST',
    route: `${RUN}/callback`,
    summary:
      "Set the run's callback (replacing any earlier one): the run's final representation is POSTed to callbackUrl when it ends, at once if it has ended. Answers 201 with Location, the URL that DELETE unsubscribes (Power Automate's webhook trigger 'When a desktop flow run ends').",
    tag: TAG,
    auth: 'user',
    durableClient: true,
    body: callbackSubscriptionSchema,
    responses: {
      201: { description: "The run's callback, Pending; Location: DELETE it to unsubscribe", schema: runCallbackSchema },
      400: problem('callbackUrl not valid (named in errors): not absolute, not https, a private or unresolvable host, above 2,048 characters'),
      403: problem('May see but not control the run'),
      404: problem('Not found, or not visible to the caller'),
    },
    async handle(req, deps) {
      const run = await subscribeRunCallback(deps, req.principal, req.params.env, req.params.id, req.body.callbackUrl);
      await req.signals().afterRunEnded(deps.config.CALLBACK_RETRY_BASE_SECONDS, run);
      return { status: 201, body: run.callback ? callbackView(run.callback) : {}, location: `${runPath(run)}/callback` };
    },
  }),
  defineRoute({
    name: 'deleteRunCallback',
    method: 'DELETE',
    route: `${RUN}/callback`,
    summary: "Unsubscribe the run's callback: it is not delivered (again). Its submitter, the group's owner and CoOwners, SystemAdministrators.",
    tag: TAG,
    auth: 'user',
    responses: {
      204: { description: 'Unsubscribed (or already delivered, failed or unsubscribed)' },
      403: problem('May see but not control the run'),
      404: problem('Not found, not visible to the caller, or the run has no callback'),
    },
    async handle(req, deps) {
      await unsubscribeRunCallback(deps, req.principal, req.params.env, req.params.id);
      return { status: 204 };
    },
  }),
  defineRoute({
    name: 'getGroupQueue',
    method: 'GET',
    route: 'environments/{env}/groups/{id}/queue',
    summary:
      "The group's queue: running runs, then queued runs, in dispatch order, with position and waitSeconds; and the controller's latest scaling decision about the group, which says why its runs wait (e.g. `none` with `group-at-max-bots`) or what was done for them (`create`, reason `demand`).",
    tag: 'Hosted machine groups',
    auth: 'user',
    query: pagingQueryDocs,
    responses: {
      200: { description: 'Queue entries', schema: queueSchema },
      400: problem('Invalid pageSize, unknown query parameter, or InvalidContinuationToken'),
      404: problem('Group not found, not visible, or hostedRpaEnabled is off'),
    },
    async handle(req, deps) {
      const view = await groupQueue(deps, req.principal, req.params.env, req.params.id, pageOf(req.query));
      return {
        status: 200,
        body: {
          items: view.items.map(queueEntryResource),
          ...(view.continuationToken ? { continuationToken: view.continuationToken } : {}),
          ...(view.lastScalingDecision ? { lastScalingDecision: scalingDecisionResource(view.lastScalingDecision) } : {}),
        },
      };
    },
  }),
  defineRoute({
    name: 'listGroupRuns',
    method: 'GET',
    route: 'environments/{env}/groups/{id}/runs',
    summary: "The group's past runs (Succeeded, Failed, Cancelled, TimedOut), the most recently ended first, paged with continuationToken.",
    tag: 'Hosted machine groups',
    auth: 'user',
    query: pagingQueryDocs,
    responses: {
      200: { description: 'Past runs', schema: listOf(runSummarySchema) },
      400: problem('Invalid pageSize, unknown query parameter, or InvalidContinuationToken'),
      404: problem('Group not found, not visible, or hostedRpaEnabled is off'),
    },
    async handle(req, deps) {
      const page = await pastRuns(deps, req.principal, req.params.env, req.params.id, pageOf(req.query));
      return {
        status: 200,
        body: { items: page.items.map(runSummaryResource), ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}) },
      };
    },
  }),
];
