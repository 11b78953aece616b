import type { AppConfig } from '../../../app/config/app-config.js';
import type { z } from 'zod';
import type { FlowDefinition } from '../../../domain/desktop-flow.js';
import type { RunDocument } from '../../../domain/run.js';
import { callbackView } from '../../../domain/run-callback.js';
import { bestEffort } from '../../../app/errors/best-effort.js';
import type { ApiRequest, ApiResponse } from '../../http/api-route.js';
import { runLogLine } from '../../../app/observability/run-log.js';
import { subscribeRunCallback, unsubscribeRunCallback } from '../../../app/callbacks/subscription.js';
import { runDefinition } from '../../../app/desktop-flows/desktop-flow-versions.js';
import { cancelRun, changeRunPriority, getRun, idempotencyKeyOf, listRuns, moveRunToTop, resubmitRun, submitRun } from '../../../app/runs/index.js';
import type { RunControlPorts } from '../../../app/runs/control.js';
import { groupQueue, pastRuns, type GroupRunsPorts } from '../../../app/groups/group-runs.js';
import type { RunListPorts } from '../../../app/runs/list-runs.js';
import type { RunReadPorts } from '../../../app/runs/load-run.js';
import type { SubmitRunPorts } from '../../../app/runs/submit.js';
import type { Versioned } from '../../../app/ports/document-store.js';
import { pageOf } from '../../paging.js';
import { queueEntryResource, runResource, runSummaryResource } from '../../run-presenters.js';
import { scalingDecisionResource } from '../../scaling-decision-schema.js';
import { runListFilterOf } from './run-list-filter.js';
import type { EnvironmentPath, GroupPath, RunPath } from '../path-schemas.js';
import type { callbackSubscriptionSchema, changePrioritySchema, submitRunSchema } from './run-schemas.js';

/** Seconds a poller is asked to wait before asking again (the `Retry-After` of 202 answers). */
export const RETRY_AFTER_SECONDS = { Queued: 10, Running: 5 } as const;

/** the callback routes also schedule the run's callback delivery, at the retry base the settings give */
type RunCallbackPorts = Parameters<typeof subscribeRunCallback>[0] &
  Parameters<typeof unsubscribeRunCallback>[0] & { config: Pick<AppConfig, 'CALLBACK_RETRY_BASE_SECONDS'> };

/** What the run routes need of the composition root: the ports of the use cases they call. */
export type RunRoutePorts = RunListPorts & SubmitRunPorts & RunControlPorts & GroupRunsPorts & RunCallbackPorts;

const runLocation = (run: RunDocument) => `environments/${run.environmentId}/runs/${run.id}`;

/** The run with the definition of its flow version: one point read, unless the caller has the definition at hand. */
async function runBody(deps: RunReadPorts, run: Versioned<RunDocument>, definition?: FlowDefinition) {
  return runResource(run, definition ?? (await runDefinition(deps, run)));
}

/**
 * The asynchronous request-reply answer: 202 with `Location` (poll here) and `Retry-After` while the run is queued
 * or running, 200 with its outputs or error once it has ended.
 */
async function runStatusResponse(deps: RunReadPorts, run: Versioned<RunDocument>): Promise<ApiResponse> {
  const body = await runBody(deps, run);
  if (run.state === 'Queued' || run.state === 'Running') {
    return { status: 202, body, etag: run.etag, location: runLocation(run), headers: { 'retry-after': String(RETRY_AFTER_SECONDS[run.state]) } };
  }
  return { status: 200, body, etag: run.etag };
}

/** A new (or replayed) run: 202 with its Location to poll and Retry-After. */
async function acceptedRunResponse(deps: RunReadPorts, run: Versioned<RunDocument>, definition: FlowDefinition | undefined): Promise<ApiResponse> {
  return {
    status: 202,
    body: await runBody(deps, run, definition),
    etag: run.etag,
    location: runLocation(run),
    headers: { 'retry-after': String(run.state === 'Running' ? RETRY_AFTER_SECONDS.Running : RETRY_AFTER_SECONDS.Queued) },
  };
}

/** `GET environments/{env}/runs` */
export async function listRunsHandler(req: ApiRequest<undefined, EnvironmentPath>, deps: RunListPorts): Promise<ApiResponse> {
  const filter = runListFilterOf(req.query);
  const page = pageOf(req.query);
  const runs = await listRuns(deps, req.principal, req.params.env, filter, page);
  return {
    status: 200,
    body: { items: runs.items.map(runSummaryResource), ...(runs.continuationToken ? { continuationToken: runs.continuationToken } : {}) },
  };
}

/** `POST environments/{env}/runs` */
export async function submitRunHandler(req: ApiRequest<z.output<typeof submitRunSchema>, EnvironmentPath>, deps: SubmitRunPorts): Promise<ApiResponse> {
  const idempotencyKey = idempotencyKeyOf(req.headers.get('idempotency-key'));
  const { run, definition, roundNeeded } = await submitRun(deps, req.principal, req.params.env, req.body, { idempotencyKey, runId: req.createdId });
  req.log(runLogLine('submitted', run, { priority: run.priority }));
  // the environment's controller plans for the new run unless an idle bot takes it from the queue (a failure
  // here is covered by the controller's periodic round)
  if (roundNeeded) await bestEffort(req.signals().wakeController(run.environmentId), `waking the controller of ${run.environmentId}`);
  return acceptedRunResponse(deps, run, definition);
}

/** `POST environments/{env}/runs/{id}/resubmit` */
export async function resubmitRunHandler(req: ApiRequest<undefined, RunPath>, deps: SubmitRunPorts): Promise<ApiResponse> {
  const idempotencyKey = idempotencyKeyOf(req.headers.get('idempotency-key'));
  const { run, definition, roundNeeded } = await resubmitRun(deps, req.principal, req.params.env, req.params.id, { idempotencyKey, runId: req.createdId });
  req.log(runLogLine('submitted', run, { priority: run.priority, resubmitOf: req.params.id }));
  // as for a submit: unless an idle bot takes it (the controller's periodic round plans for the run anyway)
  if (roundNeeded) await bestEffort(req.signals().wakeController(run.environmentId), `waking the controller of ${run.environmentId}`);
  return acceptedRunResponse(deps, run, definition);
}

/** `GET environments/{env}/runs/{id}` */
export async function getRunHandler(req: ApiRequest<undefined, RunPath>, deps: RunReadPorts): Promise<ApiResponse> {
  return runStatusResponse(deps, await getRun(deps, req.principal, req.params.env, req.params.id));
}

/** `PATCH environments/{env}/runs/{id}` */
export async function changeRunPriorityHandler(req: ApiRequest<z.output<typeof changePrioritySchema>, RunPath>, deps: RunControlPorts): Promise<ApiResponse> {
  const run = await changeRunPriority(deps, req.principal, req.params.env, req.params.id, req.body.priority, req.ifMatch);
  return { status: 200, body: await runBody(deps, run), etag: run.etag };
}

/** `POST environments/{env}/runs/{id}/move-to-top` */
export async function moveRunToTopHandler(req: ApiRequest<undefined, RunPath>, deps: RunControlPorts): Promise<ApiResponse> {
  const run = await moveRunToTop(deps, req.principal, req.params.env, req.params.id);
  return { status: 200, body: await runBody(deps, run), etag: run.etag };
}

/** `POST environments/{env}/runs/{id}/cancel` */
export async function cancelRunHandler(req: ApiRequest<undefined, RunPath>, deps: RunControlPorts & RunCallbackPorts): Promise<ApiResponse> {
  const { run, outcome } = await cancelRun(deps, req.principal, req.params.env, req.params.id);
  req.log(runLogLine('cancelled', run, { outcome, by: req.principal.userId }));
  await req.signals().afterRunEnded(deps.config.CALLBACK_RETRY_BASE_SECONDS, run);
  const body = await runBody(deps, run);
  if (outcome === 'requested')
    return { status: 202, body, etag: run.etag, location: runLocation(run), headers: { 'retry-after': String(RETRY_AFTER_SECONDS.Running) } };
  return { status: 200, body, etag: run.etag };
}

/** `POST environments/{env}/runs/{id}/callback` */
export async function subscribeRunCallbackHandler(
  req: ApiRequest<z.output<typeof callbackSubscriptionSchema>, RunPath>,
  deps: RunCallbackPorts,
): Promise<ApiResponse> {
  const run = await subscribeRunCallback(deps, req.principal, req.params.env, req.params.id, req.body.callbackUrl);
  await req.signals().afterRunEnded(deps.config.CALLBACK_RETRY_BASE_SECONDS, run);
  return { status: 201, body: run.callback ? callbackView(run.callback) : {}, location: `${runLocation(run)}/callback` };
}

/** `DELETE environments/{env}/runs/{id}/callback` */
export async function deleteRunCallbackHandler(req: ApiRequest<undefined, RunPath>, deps: RunCallbackPorts): Promise<ApiResponse> {
  await unsubscribeRunCallback(deps, req.principal, req.params.env, req.params.id);
  return { status: 204 };
}

/** `GET environments/{env}/groups/{id}/queue` */
export async function getGroupQueueHandler(req: ApiRequest<undefined, GroupPath>, deps: GroupRunsPorts): Promise<ApiResponse> {
  const page = pageOf(req.query);
  const view = await groupQueue(deps, req.principal, req.params.env, req.params.id, page);
  return {
    status: 200,
    body: {
      items: view.items.map(queueEntryResource),
      ...(view.continuationToken ? { continuationToken: view.continuationToken } : {}),
      ...(view.lastScalingDecision ? { lastScalingDecision: scalingDecisionResource(view.lastScalingDecision) } : {}),
    },
  };
}

/** `GET environments/{env}/groups/{id}/runs` */
export async function listGroupRunsHandler(req: ApiRequest<undefined, GroupPath>, deps: GroupRunsPorts): Promise<ApiResponse> {
  const page = pageOf(req.query);
  const runs = await pastRuns(deps, req.principal, req.params.env, req.params.id, page);
  return {
    status: 200,
    body: { items: runs.items.map(runSummaryResource), ...(runs.continuationToken ? { continuationToken: runs.continuationToken } : {}) },
  };
}
