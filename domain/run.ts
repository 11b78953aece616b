import type { StoredDocument } from './stored-document.js';
import { canControlRun, groupAccess, type Membership, type SharedResource } from './access-rules.js';
import type { FlowDefinition } from './desktop-flow.js';
import type { RunCallback } from './run-callback.js';

/**
 * Desktop-flow runs: the run document (Cosmos holds each run's truth), its dispatch key, and the state
 * rules. Pure: every function takes the current time as an argument.
 */

export const RUN = 'run' as const;

export const RUN_STATES = ['Queued', 'Running', 'Succeeded', 'Failed', 'Cancelled', 'TimedOut'] as const;
export type RunState = (typeof RUN_STATES)[number];
export const ENDED_STATES = ['Succeeded', 'Failed', 'Cancelled', 'TimedOut'] as const satisfies readonly RunState[];
export type RunOutcome = (typeof ENDED_STATES)[number];
export const ACTIVE_STATES = ['Queued', 'Running'] as const satisfies readonly RunState[];

export const RUN_PRIORITIES = ['High', 'Normal'] as const;
export type RunPriority = (typeof RUN_PRIORITIES)[number];

export const MIN_TIMEOUT_MINUTES = 1;
export const MAX_TIMEOUT_MINUTES = 1440;
export const DEFAULT_TIMEOUT_MINUTES = 1440;
/** `inputs` and `outputs`, each as JSON (UTF-8) */
export const MAX_INPUTS_BYTES = 64 * 1024;
export const MAX_OUTPUTS_BYTES = 64 * 1024;

/** Stable error codes a run may end with (`error.code`). */
export const RUN_ERROR_CODES = {
  noCandidateMachine: 'NoCandidateMachine',
  runTimeout: 'RunTimeout',
  cancelled: 'Cancelled',
  groupDeleted: 'GroupDeleted',
  botLost: 'BotLost',
  outputsTooLarge: 'OutputsTooLarge',
  flowFailed: 'DesktopFlowFailed',
  /** a `run`/`powershell` step's process exited with a code other than 0 (or could not start) */
  stepFailed: 'StepFailed',
  /** a step's process outlived its `timeoutSeconds` and was killed */
  stepTimedOut: 'StepTimedOut',
  /** a step this bot's platform cannot execute (`powershell` off Windows) */
  stepNotSupported: 'StepNotSupported',
  /** a `${inputs.NAME}` reference to an input the run was not given */
  inputMissing: 'InputMissing',
  /** the connection's account did not log on at the bot (wrong or outdated password) */
  invalidCredentials: 'InvalidCredentials',
  /** the run was claimed but what it starts with is gone (its connection, credential, secret or flow version) */
  runNotStartable: 'RunNotStartable',
} as const;

export interface RunError {
  code: string;
  message: string;
}

export interface RunDocument extends StoredDocument {
  type: typeof RUN;
  groupId: string;
  connectionId: string;
  desktopFlowId: string;
  desktopFlowName: string;
  /**
   * The flow version the run was submitted with: its number, and the hash of its definition, which names the version
   * document (`desktopFlowVersionId`) the definition is read from. Later edits of the flow do not change it.
   */
  desktopFlowVersion: number;
  definitionHash: string;
  /** runs written before flow versions carried a copy of the definition; read in place of the version document */
  definition?: FlowDefinition;
  inputs: Record<string, unknown>;
  priority: RunPriority;
  timeoutMinutes: number;
  state: RunState;
  /** the claim order: see `dispatchKeyOf` */
  dispatchKey: string;
  queuedAt: string;
  /** set by move-to-top: the latest move dispatches first */
  movedToTopAt?: string;
  startedAt?: string;
  endedAt?: string;
  /** the bot the run was assigned to (Running, and kept once ended) */
  botId?: string;
  /** how many times the run was assigned to a bot */
  attempt: number;
  /** a running run's cancel: the bot's agent sees it on its next heartbeat and finishes the run as Cancelled */
  cancelRequested: boolean;
  cancelRequestedBy?: string;
  outputs?: Record<string, unknown>;
  error?: RunError;
  submittedBy: string;
  /** the submitter's display name at submission, from its member document (or its token) */
  submittedByName?: string;
  /** where the run's final representation is POSTed when it ends (run callbacks, docs/callbacks.md) */
  callback?: RunCallback;
  /** the agent's log of each executed step, as it finished the run (bounded: MAX_RUN_LOGS_BYTES) */
  logs?: RunStepLog[];
}

/** One step's log as the bot agent reports it (agent/steps): never the account's password, bounded by the agent. */
export interface RunStepLog {
  step: number;
  kind: string;
  command?: string | undefined;
  exitCode?: number | null | undefined;
  durationMs: number;
  stdout?: string | undefined;
  stderr?: string | undefined;
  error?: string | undefined;
}

/** A run keeps at most this much of its steps' logs, as JSON (the agent keeps to it; the server enforces it). */
export const MAX_RUN_LOGS_BYTES = 32 * 1024;

/** The first step logs that fit in MAX_RUN_LOGS_BYTES as JSON (a misbehaving agent cannot grow a run document). */
export function boundedLogs(logs: readonly RunStepLog[]): RunStepLog[] {
  const kept: RunStepLog[] = [];
  let bytes = 2;
  for (const log of logs) {
    bytes += jsonBytes(log) + 1;
    if (bytes > MAX_RUN_LOGS_BYTES) break;
    kept.push(log);
  }
  return kept;
}

/** The ended run with the agent's step logs, when it sent some. */
export function withLogs<T extends RunDocument>(run: T, logs: readonly RunStepLog[] | undefined): T {
  return logs === undefined ? run : { ...run, logs: boundedLogs(logs) };
}

export function isEnded(state: RunState): state is RunOutcome {
  return (ENDED_STATES as readonly RunState[]).includes(state);
}

// ---- dispatch order ---------------------------------------------------------------------------------

const PRIORITY_RANK: Record<RunPriority, string> = { High: '0', Normal: '1' };
/** larger than any epoch millisecond count we will meet, 15 digits wide */
const INVERSION_BASE = 999_999_999_999_999;

/** A time as a fixed-width string that sorts the latest first. */
function invertedTime(iso: string): string {
  return String(INVERSION_BASE - Date.parse(iso)).padStart(15, '0');
}

/**
 * One sortable string per run, so that a single `ORDER BY c.dispatchKey` over one index gives the dispatch order:
 * - `0|{startedAt}|{id}`: running (already dispatched, in the order they started: the queue view lists them first),
 * - `1|{inverted move time}|{id}`: moved to the top, the latest move first,
 * - `2|{0 High, 1 Normal}|{queuedAt}|{id}`: everything else, by priority and then first come first served,
 * - `9|{endedAt}|{id}`: ended (never queried by this key).
 * ISO-8601 UTC timestamps of `toISOString()` have a fixed width, so they sort as strings.
 */
export function dispatchKeyOf(run: Pick<RunDocument, 'id' | 'state' | 'priority' | 'queuedAt' | 'movedToTopAt' | 'startedAt' | 'endedAt'>): string {
  if (run.state === 'Running') return `0|${run.startedAt ?? run.queuedAt}|${run.id}`;
  if (run.state === 'Queued') {
    if (run.movedToTopAt) return `1|${invertedTime(run.movedToTopAt)}|${run.id}`;
    return `2|${PRIORITY_RANK[run.priority]}|${run.queuedAt}|${run.id}`;
  }
  return `9|${run.endedAt ?? run.queuedAt}|${run.id}`;
}

/** The queue time a queued run's dispatch key holds (`2|rank|queuedAt|id`); a moved-to-top run's key holds none. */
export function queuedAtOfDispatchKey(key: string): string | undefined {
  const [kind, , queuedAt] = key.split('|');
  return kind === '2' && queuedAt !== undefined && queuedAt !== '' ? queuedAt : undefined;
}

/** Sorts like the store's `ORDER BY c.dispatchKey` (ordinal string order). */
export function byDispatchKey(a: Pick<RunDocument, 'dispatchKey'>, b: Pick<RunDocument, 'dispatchKey'>): number {
  return a.dispatchKey < b.dispatchKey ? -1 : a.dispatchKey > b.dispatchKey ? 1 : 0;
}

// ---- creation and transitions -----------------------------------------------------------------------

export interface NewRun {
  id: string;
  environmentId: string;
  groupId: string;
  connectionId: string;
  desktopFlow: { id: string; name: string; version: number; definitionHash: string };
  inputs: Record<string, unknown>;
  priority: RunPriority;
  timeoutMinutes: number;
  submittedBy: string;
  submittedByName?: string | undefined;
}

export function queuedRun(input: NewRun, now: Date): RunDocument {
  const at = now.toISOString();
  const run: RunDocument = {
    id: input.id,
    environmentId: input.environmentId,
    type: RUN,
    groupId: input.groupId,
    connectionId: input.connectionId,
    desktopFlowId: input.desktopFlow.id,
    desktopFlowName: input.desktopFlow.name,
    desktopFlowVersion: input.desktopFlow.version,
    definitionHash: input.desktopFlow.definitionHash,
    inputs: input.inputs,
    priority: input.priority,
    timeoutMinutes: input.timeoutMinutes,
    state: 'Queued',
    dispatchKey: '',
    queuedAt: at,
    attempt: 0,
    cancelRequested: false,
    submittedBy: input.submittedBy,
    ...(input.submittedByName ? { submittedByName: input.submittedByName } : {}),
    createdAt: at,
    updatedAt: at,
  };
  return { ...run, dispatchKey: dispatchKeyOf(run) };
}

function withKey<T extends RunDocument>(run: T): T {
  return { ...run, dispatchKey: dispatchKeyOf(run) };
}

/** Why a queued-only change (priority, move to top, claim) is refused, or undefined when it may go ahead. */
export function notQueuedReason(run: Pick<RunDocument, 'state'>): string | undefined {
  return run.state === 'Queued' ? undefined : `The run is ${run.state}; only a queued run can be reprioritised or moved to the top.`;
}

export function withPriority<T extends RunDocument>(run: T, priority: RunPriority, now: Date): T {
  return withKey({ ...run, priority, updatedAt: now.toISOString() });
}

export function movedToTop<T extends RunDocument>(run: T, now: Date): T {
  const at = now.toISOString();
  return withKey({ ...run, movedToTopAt: at, updatedAt: at });
}

/** Queued → Running on `botId`: one more attempt. */
export function claimedBy<T extends RunDocument>(run: T, botId: string, now: Date): T {
  const at = now.toISOString();
  return withKey({ ...run, state: 'Running', botId, startedAt: at, attempt: run.attempt + 1, cancelRequested: false, updatedAt: at });
}

/** Queued → Cancelled at once (it will never be dispatched; its wake-up message is discarded at claim). */
export function cancelledWhileQueued<T extends RunDocument>(run: T, error: RunError, now: Date, by?: string): T {
  const at = now.toISOString();
  return withKey({ ...run, state: 'Cancelled', endedAt: at, error, updatedAt: at, ...(by ? { cancelRequestedBy: by } : {}) });
}

/** Running: the bot is told to stop (its agent sees `cancelRequested` on its next heartbeat). */
export function cancelRequested<T extends RunDocument>(run: T, by: string, now: Date): T {
  return { ...run, cancelRequested: true, cancelRequestedBy: by, updatedAt: now.toISOString() };
}

export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}

/**
 * Running → an outcome, with outputs (at most 64 KiB as JSON: larger outputs fail the run with
 * `OutputsTooLarge`, keeping none of them) or an error.
 */
export function ended<T extends RunDocument>(
  run: T,
  outcome: RunOutcome,
  result: { outputs?: Record<string, unknown> | undefined; error?: RunError | undefined },
  now: Date,
): T {
  const at = now.toISOString();
  const base = { ...run, endedAt: at, updatedAt: at };
  delete base.outputs;
  delete base.error;
  if (result.outputs !== undefined && jsonBytes(result.outputs) > MAX_OUTPUTS_BYTES) {
    return withKey({
      ...base,
      state: 'Failed',
      error: {
        code: RUN_ERROR_CODES.outputsTooLarge,
        message: `The run's outputs are ${jsonBytes(result.outputs)} bytes as JSON; at most ${MAX_OUTPUTS_BYTES} are kept.`,
      },
    });
  }
  const error = result.error ?? defaultErrorOf(outcome);
  return withKey({
    ...base,
    state: outcome,
    ...(result.outputs !== undefined ? { outputs: result.outputs } : {}),
    ...(error ? { error } : {}),
  });
}

/** Ends a queued or running run as TimedOut; a running one's bot is also told to stop. */
export function timedOut<T extends RunDocument>(run: T, error: RunError, now: Date): T {
  const wasRunning = run.state === 'Running';
  return { ...ended(run, 'TimedOut', { error }, now), cancelRequested: run.cancelRequested || wasRunning };
}

function defaultErrorOf(outcome: RunOutcome): RunError | undefined {
  switch (outcome) {
    case 'Succeeded':
      return undefined;
    case 'Failed':
      return { code: RUN_ERROR_CODES.flowFailed, message: 'The desktop flow failed.' };
    case 'Cancelled':
      return { code: RUN_ERROR_CODES.cancelled, message: 'The run was cancelled.' };
    case 'TimedOut':
      return { code: RUN_ERROR_CODES.runTimeout, message: 'The run took longer than its timeout.' };
  }
}

// ---- deadlines ----------------------------------------------------------------------------------------

export type DeadlineVerdict = { kind: 'ended' } | { kind: 'timeOut'; error: RunError } | { kind: 'wakeAt'; at: string };

/**
 * What the run's watchdog does when it wakes at `now`:
 * - queued past `queuedAt + queuedTimeout`: time out with `NoCandidateMachine`;
 * - running past `startedAt + timeoutMinutes`: time out;
 * - otherwise sleep until the next moment a deadline can pass. While the run is queued that is the queued
 *   deadline or `now + timeoutMinutes`, whichever comes first: a run that starts between two checks started
 *   less than `timeoutMinutes` before the next one, so its running deadline is never overslept, and nobody has
 *   to tell the watchdog that the run started.
 */
export function deadlineVerdict(
  run: Pick<RunDocument, 'state' | 'queuedAt' | 'startedAt' | 'timeoutMinutes'>,
  now: Date,
  queuedTimeoutMinutes: number,
): DeadlineVerdict {
  const t = now.getTime();
  const runTimeoutMs = run.timeoutMinutes * 60_000;
  if (run.state === 'Queued') {
    const queuedDeadline = Date.parse(run.queuedAt) + queuedTimeoutMinutes * 60_000;
    if (t >= queuedDeadline) {
      return {
        kind: 'timeOut',
        error: { code: RUN_ERROR_CODES.noCandidateMachine, message: `No bot of the group took the run within ${queuedTimeoutMinutes} minutes of queueing.` },
      };
    }
    return { kind: 'wakeAt', at: new Date(Math.min(queuedDeadline, t + runTimeoutMs)).toISOString() };
  }
  if (run.state === 'Running') {
    const runDeadline = Date.parse(run.startedAt ?? run.queuedAt) + runTimeoutMs;
    if (t >= runDeadline) {
      return {
        kind: 'timeOut',
        error: { code: RUN_ERROR_CODES.runTimeout, message: `The run took longer than its timeout of ${run.timeoutMinutes} minutes and was stopped.` },
      };
    }
    return { kind: 'wakeAt', at: new Date(runDeadline).toISOString() };
  }
  return { kind: 'ended' };
}

/** The watchdog's first wake-up, computed from the submission alone (no read needed). */
export function firstWatchdogWake(queuedAt: string, timeoutMinutes: number, queuedTimeoutMinutes: number): string {
  const q = Date.parse(queuedAt);
  return new Date(q + Math.min(queuedTimeoutMinutes, timeoutMinutes) * 60_000).toISOString();
}

// ---- who may do what --------------------------------------------------------------------------------

const SUBMITTING_ROLES = ['SystemAdministrator', 'EnvironmentMaker', 'DesktopFlowsMachineOwner', 'BasicUser'] as const;

/**
 * PRODUCT.md's roles table: SystemAdministrators submit through any connection; EnvironmentMakers,
 * DesktopFlowsMachineOwners and BasicUsers through a connection they own; DesktopFlowsMachineImageAdmin alone may not.
 */
export function canSubmitRun(m: Membership, connection: { ownerId: string }): boolean {
  if (!m.active) return false;
  if (m.roles.includes('SystemAdministrator')) return true;
  return connection.ownerId === m.userId && m.roles.some((r) => (SUBMITTING_ROLES as readonly string[]).includes(r));
}

/** A group a user deleted (document gone): nobody has a share on it any more. */
export const NO_GROUP: SharedResource = { ownerId: '', shares: [] };

/** Those who may cancel or reprioritise it (`canControlRun`), plus anyone with `use` access to its group. */
export function canReadRun(m: Membership, run: { submittedBy: string }, group: SharedResource | undefined): boolean {
  if (!m.active) return false;
  return canControlRun(m, run, group ?? NO_GROUP) || (group !== undefined && groupAccess(m, group) !== 'none');
}
