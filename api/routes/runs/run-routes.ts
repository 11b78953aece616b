import { defineRoute, type ApiRoute, type RawPathParams } from '../../http/api-route.js';
import { listOf, problemSchema } from '../../common-schemas.js';
import { pagingQueryDocs } from '../../paging.js';
import {
  cancelRunHandler,
  changeRunPriorityHandler,
  deleteRunCallbackHandler,
  getGroupQueueHandler,
  getRunHandler,
  listGroupRunsHandler,
  listRunsHandler,
  moveRunToTopHandler,
  resubmitRunHandler,
  submitRunHandler,
  subscribeRunCallbackHandler,
} from './run-handlers.js';
import type { RunRoutePorts } from './run-handlers.js';
import {
  callbackSubscriptionSchema,
  changePrioritySchema,
  queueSchema,
  runCallbackSchema,
  runListQueryDocs,
  runSchema,
  runSummarySchema,
  submitRunSchema,
} from './run-schemas.js';
import { environmentPath, groupPath, runPath } from '../path-schemas.js';

const problem = (description: string) => ({ description, schema: problemSchema });
const TAG = 'Runs';
const RUN = 'environments/{env}/runs/{id}';

/** The run routes (and a group's queue and past runs), in the order the host matches them. */
export const runsRoutes: ApiRoute<unknown, RawPathParams, RunRoutePorts>[] = [
  defineRoute({
    name: 'listRuns',
    method: 'GET',
    route: 'environments/{env}/runs',
    params: environmentPath,
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
    handle: listRunsHandler,
  }),
  defineRoute({
    name: 'submitRun',
    method: 'POST',
    route: 'environments/{env}/runs',
    params: environmentPath,
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
    handle: submitRunHandler,
  }),
  defineRoute({
    name: 'resubmitRun',
    method: 'POST',
    route: `${RUN}/resubmit`,
    params: runPath,
    summary:
      "Submit a new run with the same connection, desktop flow version (not the flow's current one), inputs, priority and timeout as this one, under the same checks as a submission. Answers 202 with the new run's Location and Retry-After.",
    tag: TAG,
    auth: 'user',
    durableClient: true,
    auditImplied: { status: 202 },
    requestHeaders: { 'Idempotency-Key': { description: 'As on submit: the same key within 24 h answers the first run.' } },
    responses: {
      202: { description: 'The new run, with Location and Retry-After', schema: runSchema },
      400: problem('Invalid Idempotency-Key'),
      403: problem('The connection is not yours (SystemAdministrators may use any); GroupAccessRevoked; CredentialAccessRevoked'),
      404: problem('Run not found or not visible to the caller; its connection or desktop flow is gone'),
      422: problem('HostedRpaDisabled, GroupDeleted, IdempotencyKeyReused, CredentialsOutdated'),
      429: problem('QueueFull or TooManyRequests: retry after Retry-After seconds'),
    },
    handle: resubmitRunHandler,
  }),
  defineRoute({
    name: 'getRun',
    method: 'GET',
    route: RUN,
    params: runPath,
    summary: "A run's status: 202 with Location and Retry-After while Queued or Running, 200 with outputs or error once ended (asynchronous request-reply).",
    tag: TAG,
    auth: 'user',
    responses: {
      200: { description: 'Ended: Succeeded, Failed, Cancelled or TimedOut, with outputs or error', schema: runSchema },
      202: { description: 'Queued or Running: poll the Location again after Retry-After seconds', schema: runSchema },
      404: problem('Not found, or not visible to the caller'),
    },
    handle: getRunHandler,
  }),
  defineRoute({
    name: 'changeRunPriority',
    method: 'PATCH',
    route: RUN,
    params: runPath,
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
    handle: changeRunPriorityHandler,
  }),
  defineRoute({
    name: 'moveRunToTop',
    method: 'POST',
    route: `${RUN}/move-to-top`,
    params: runPath,
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
    handle: moveRunToTopHandler,
  }),
  defineRoute({
    name: 'cancelRun',
    method: 'POST',
    route: `${RUN}/cancel`,
    params: runPath,
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
    handle: cancelRunHandler,
  }),
  defineRoute({
    name: 'subscribeRunCallback',
    method: 'POST',
    route: `${RUN}/callback`,
    params: runPath,
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
    handle: subscribeRunCallbackHandler,
  }),
  defineRoute({
    name: 'deleteRunCallback',
    method: 'DELETE',
    route: `${RUN}/callback`,
    params: runPath,
    summary: "Unsubscribe the run's callback: it is not delivered (again). Its submitter, the group's owner and CoOwners, SystemAdministrators.",
    tag: TAG,
    auth: 'user',
    responses: {
      204: { description: 'Unsubscribed (or already delivered, failed or unsubscribed)' },
      403: problem('May see but not control the run'),
      404: problem('Not found, not visible to the caller, or the run has no callback'),
    },
    handle: deleteRunCallbackHandler,
  }),
  defineRoute({
    name: 'getGroupQueue',
    method: 'GET',
    route: 'environments/{env}/groups/{id}/queue',
    params: groupPath,
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
    handle: getGroupQueueHandler,
  }),
  defineRoute({
    name: 'listGroupRuns',
    method: 'GET',
    route: 'environments/{env}/groups/{id}/runs',
    params: groupPath,
    summary: "The group's past runs (Succeeded, Failed, Cancelled, TimedOut), the most recently ended first, paged with continuationToken.",
    tag: 'Hosted machine groups',
    auth: 'user',
    query: pagingQueryDocs,
    responses: {
      200: { description: 'Past runs', schema: listOf(runSummarySchema) },
      400: problem('Invalid pageSize, unknown query parameter, or InvalidContinuationToken'),
      404: problem('Group not found, not visible, or hostedRpaEnabled is off'),
    },
    handle: listGroupRunsHandler,
  }),
];
