import type { Principal } from '../../domain/principal.js';
import type { AppConfig } from '../config/app-config.js';
import type { FlowDefinition } from '../../domain/desktop-flow.js';
import { queuedRun, RUN_ERROR_CODES, type RunDocument, type RunPriority } from '../../domain/run.js';
import { AppError } from '../../domain/errors/app-error.js';
import { QueueNotFoundError, type GroupQueues } from '../ports/group-queues.js';
import { observeRunSubmitted } from '../observability/run-telemetry.js';
import { DuplicateDocumentError, type DocumentStore, type Versioned } from '../ports/document-store.js';
import { newCallback } from '../../domain/run-callback.js';
import { validateCallbackUrl } from '../callback-targets/callback-url.js';
import { findConnection, requireUsableConnection } from '../connections/connections.js';
import { currentFlowVersion } from '../desktop-flows/desktop-flow-versions.js';
import { requireDesktopFlow } from '../desktop-flows/desktop-flows.js';
import { loadEnvironmentContext } from '../environments/environment-context.js';
import { bodyHashOf, lookUpKey, reserveKey, type KeyLookup, type KeyUse } from './idempotency.js';
import { findRun, loadRun } from './load-run.js';
import { endQueuedRun } from './transitions.js';
import { roundNeededFor } from './round-needed.js';
import type { RunStore } from './run-store.js';

/** What submitting (and resubmitting) a run needs. */
export interface SubmitRunPorts {
  /** environments, members, connections, groups and desktop flows */
  store: DocumentStore;
  runs: RunStore;
  /** the group's Ready bots (whether a planning round is needed) */
  botStore: DocumentStore;
  queues: GroupQueues;
  config: AppConfig;
  now(): Date;
  newId(): string;
}

export interface SubmitRunInput {
  connectionId: string;
  desktopFlowId: string;
  inputs: Record<string, unknown>;
  priority: RunPriority;
  timeoutMinutes: number;
  /** where the run's final representation is POSTed when it ends (docs/callbacks.md) */
  callbackUrl?: string | undefined;
}

export interface SubmitRunOptions {
  /** the validated Idempotency-Key header */
  idempotencyKey?: string | undefined;
  /** a resubmission: the flow version of the run resubmitted, instead of the flow's current one */
  flowVersion?: { version: number; definitionHash: string } | undefined;
  /** the id a new run takes, drawn by the caller before the submission (its audit entry names it); else a new one */
  runId?: string | undefined;
}

export interface SubmittedRun {
  run: Versioned<RunDocument>;
  /** true when the Idempotency-Key named an earlier submission: its run is answered, nothing new is created */
  replayed: boolean;
  /** the definition of the run's flow version, when this submission read it (a new run); else `runDefinition` reads it */
  definition?: FlowDefinition;
  /** the controller should plan for the run: no idle bot of its group is left to take it (round-needed.ts) */
  roundNeeded: boolean;
}

/**
 * Submits a run: check the caller, the connection, its group, the flow and the room left in the group's queue; write
 * the run (the truth, referencing the flow's current version); then send the group's queue a wake-up. Its deadlines
 * need nothing per run: the run-deadline sweep finds it by its state and times (app/maintenance/run-deadlines.ts).
 * With an Idempotency-Key the key is reserved before the run is written, so that whatever the race, one key makes
 * one run; a replay also re-sends the wake-up of a still-queued run (harmless when it exists already), which repairs a first attempt that died between its writes.
 */
export async function submitRun(
  deps: SubmitRunPorts,
  principal: Principal,
  environmentId: string,
  input: SubmitRunInput,
  options: SubmitRunOptions,
): Promise<SubmittedRun> {
  const { env, member, memberName } = await loadEnvironmentContext(deps, environmentId, principal);
  const normalized = { ...input, connectionId: input.connectionId.toLowerCase(), desktopFlowId: input.desktopFlowId.toLowerCase() };
  const use: KeyUse | undefined = options.idempotencyKey
    ? { environmentId: env.id, callerId: principal.userId, key: options.idempotencyKey, bodyHash: bodyHashOf(normalized) }
    : undefined;

  let runId: string | undefined;
  let key: KeyLookup = {};
  if (use) {
    key = await lookUpKey(deps, use);
    runId = key.runId;
    const prior = runId === undefined ? undefined : await findRun(deps, env.id, runId);
    if (prior) return replay(deps, prior);
  }

  const callbackUrl = normalized.callbackUrl === undefined ? undefined : await validateCallbackUrl(deps.config, normalized.callbackUrl);
  if (!env.hostedRpaEnabled)
    throw AppError.rule('HostedRpaDisabled', 'Hosted RPA is turned off in this environment (hostedRpaEnabled is false); no run is accepted.');
  const { connection, group: found } = await findConnection(deps, env.id, normalized.connectionId);
  // holding the connection, current use of its group, credentials not outdated (documents only, no secret read)
  const group = await requireUsableConnection(deps, member, connection, found);
  const flow = await requireDesktopFlow(deps, env.id, normalized.desktopFlowId);
  const flowVersion = options.flowVersion ?? (await currentFlowVersion(deps, flow));
  const queuedBefore = await checkQueueRoom(deps, env.id, group.id);

  if (use && runId === undefined) {
    const proposed = options.runId ?? deps.newId();
    runId = await reserveKey(deps, use, proposed, key);
    // another request with the same key reserved it first: its run, if it is written already
    const raced = runId === proposed ? undefined : await findRun(deps, env.id, runId);
    if (raced) return replay(deps, raced);
  }
  const queued = queuedRun(
    {
      id: runId ?? options.runId ?? deps.newId(),
      environmentId: env.id,
      groupId: group.id,
      connectionId: connection.id,
      desktopFlow: { id: flow.id, name: flow.name, ...flowVersion },
      inputs: normalized.inputs,
      priority: normalized.priority,
      timeoutMinutes: normalized.timeoutMinutes,
      submittedBy: principal.userId,
      submittedByName: memberName ?? (principal.name.trim().slice(0, 200) || undefined),
    },
    deps.now(),
  );
  // the callback is Pending from the start, so whoever ends the run leaves it Pending for the delivery (and its sweep)
  const run: RunDocument = callbackUrl === undefined ? queued : { ...queued, callback: newCallback(callbackUrl) };
  let created: Versioned<RunDocument>;
  try {
    created = await deps.runs.docs.create(run);
  } catch (err) {
    if (!(err instanceof DuplicateDocumentError)) throw err;
    // a concurrent request with the same key wrote it first
    const existing = await findRun(deps, env.id, run.id);
    if (!existing) throw err;
    return replay(deps, existing);
  }
  observeRunSubmitted(created, deps.now());
  const woken = await wake(deps, created);
  return {
    run: woken,
    replayed: false,
    roundNeeded: await roundNeededFor(deps, woken, { maxBots: group.maxBots, queuedBefore }),
    ...(options.flowVersion ? {} : { definition: flow.definition }),
  };
}

/** Seconds a caller refused with QueueFull is asked to wait: dispatch frees room as bots take runs. */
export const QUEUE_FULL_RETRY_AFTER_SECONDS = 60;

/**
 * MAX_QUEUED_RUNS_PER_GROUP: one index-only COUNT of the group's queued runs (one query, whatever the queue holds; it
 * reads at most the limit's worth of index entries). Not a lock: submissions racing past the same count may overshoot
 * the limit by the number in flight at that moment, which stays small next to the limit.
 */
async function checkQueueRoom(deps: SubmitRunPorts, environmentId: string, groupId: string): Promise<number> {
  const limit = deps.config.MAX_QUEUED_RUNS_PER_GROUP;
  const queued = await deps.runs.queries.queuedCount(environmentId, groupId);
  if (queued < limit) return queued;
  throw new AppError(
    'QueueFull',
    `The group ${groupId} already holds ${limit} queued runs (MAX_QUEUED_RUNS_PER_GROUP); retry once some have been dispatched.`,
    {
      retryAfterSeconds: QUEUE_FULL_RETRY_AFTER_SECONDS,
    },
  );
}

async function replay(deps: SubmitRunPorts, run: Versioned<RunDocument>): Promise<SubmittedRun> {
  if (run.state !== 'Queued') return { run, replayed: true, roundNeeded: false };
  // still queued: the first submission may have died before its wake-up, so this one does what it would have done
  return { run: await wake(deps, run), replayed: true, roundNeeded: true };
}

/**
 * The run is written; now its wake-up. A queue that is gone means the group was deleted while the run was being
 * submitted: the run ends Cancelled and the caller gets 422 GroupDeleted.
 */
async function wake(deps: SubmitRunPorts, run: Versioned<RunDocument>): Promise<Versioned<RunDocument>> {
  try {
    await deps.queues.sendWakeUp(run.groupId, { runId: run.id });
  } catch (err) {
    if (!(err instanceof QueueNotFoundError)) throw err;
    await endQueuedRun(deps, run, { code: RUN_ERROR_CODES.groupDeleted, message: 'The group was deleted while the run was being submitted.' });
    throw AppError.rule('GroupDeleted', `The group ${run.groupId} was deleted; the run was not queued.`);
  }
  return run;
}

/**
 * A new run with the same connection, flow version, inputs, priority and timeout as one the caller may see, under the
 * same checks as a submission (the caller's current use of the group, holding the connection, room in the queue).
 */
export async function resubmitRun(
  deps: SubmitRunPorts,
  principal: Principal,
  environmentId: string,
  runId: string,
  options: SubmitRunOptions,
): Promise<SubmittedRun> {
  const { run } = await loadRun(deps, principal, environmentId, runId, 'read');
  // the callback is not inherited: a resubmission is a new run its caller may wait for differently (docs/callbacks.md)
  const input: SubmitRunInput = {
    connectionId: run.connectionId,
    desktopFlowId: run.desktopFlowId,
    inputs: run.inputs,
    priority: run.priority,
    timeoutMinutes: run.timeoutMinutes,
  };
  return submitRun(deps, principal, run.environmentId, input, {
    ...options,
    flowVersion: { version: run.desktopFlowVersion, definitionHash: run.definitionHash },
  });
}
