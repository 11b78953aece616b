import type { RpcInvocationResponse, RpcTypedData } from '../../host/core-types.js';
import { FunctionInvocationError } from '../../host/function-invoker.js';
import { flattenActions, type AtomicAction } from './actions.js';
import type { FailureDetailsWire, HistoryEvent } from './history-event.js';
import { isObject, parseJsonText, ProtocolError } from './json-value.js';
import { toTimeSpan, type TimerPolicy } from './timer-policy.js';
import { typedDataValue } from './typed-data.js';

/**
 * Replay schema V3 (`ReplaySchema.V3` = 2): cumulative actions with compound WhenAll/WhenAny, long timers
 * split into intervals. V4 only adds entity locks, which this host does not implement, so the library
 * refuses `context.df.lock` with its own clear error instead of waiting forever.
 */
const UPPER_SCHEMA_VERSION = 2;

const HTTP_POLL_MS = 30_000;

const OUT_OF_PROC_DATA = '\n\n$OutOfProcData$:';

export interface OrchestratorTriggerInput {
  instanceId: string;
  parentInstanceId: string | undefined;
  /** the execution's input as JSON text */
  input: string | undefined;
  history: HistoryEvent[];
  timers: TimerPolicy;
}

/** The orchestration trigger's data as the extension sends it (`DurableOrchestrationBindingInfo`). */
export function orchestratorTrigger(request: OrchestratorTriggerInput): RpcTypedData {
  const payload = {
    history: request.history,
    input: parseJsonText(request.input),
    instanceId: request.instanceId,
    isReplaying: request.history.some((e) => e.IsPlayed),
    parentInstanceId: request.parentInstanceId,
    upperSchemaVersion: UPPER_SCHEMA_VERSION,
    maximumShortTimerDuration: toTimeSpan(request.timers.maxShortTimerMs),
    longRunningTimerIntervalDuration: toTimeSpan(request.timers.longTimerIntervalMs),
    defaultHttpAsyncRequestSleepTimeMillseconds: HTTP_POLL_MS,
  };
  return { string: JSON.stringify(payload) };
}

/** What one orchestrator execution decided (`OrchestratorState`). */
export interface OrchestratorTurn {
  isDone: boolean;
  /** every action of this execution so far (cumulative at schema V2+), flattened */
  actions: AtomicAction[];
  output: unknown;
  customStatus: unknown;
}

export interface OrchestratorFailure {
  message: string;
  details: string;
  customStatus: unknown;
  /** when the orchestrator failed with a TaskFailedError that carried structured details */
  failureDetails?: FailureDetailsWire;
}

function readState(value: unknown): OrchestratorTurn {
  if (!isObject(value) || typeof value.isDone !== 'boolean' || !Array.isArray(value.actions)) {
    throw new ProtocolError('The orchestrator returned something that is not an orchestrator state.');
  }
  return { isDone: value.isDone, actions: flattenActions(value.actions), output: value.output, customStatus: value.customStatus };
}

export function readOrchestratorTurn(response: RpcInvocationResponse): OrchestratorTurn {
  return readState(typedDataValue(response.returnValue));
}

/**
 * The orchestrator threw. The library throws `OrchestrationFailureError`, whose message is
 * `<something>\n\n$OutOfProcData$:<orchestrator state JSON>`; the state's `error` is the user's error
 * message (the part before the marker is not: the library passes `orchestratorReturned` there).
 */
export function readOrchestratorFailure(error: unknown): OrchestratorFailure {
  const cause = error instanceof FunctionInvocationError ? error.cause : error;
  const text = cause instanceof Error ? cause.message : String(cause);
  const at = text.indexOf(OUT_OF_PROC_DATA);
  if (at < 0) return { message: text, details: cause instanceof Error ? (cause.stack ?? '') : '', customStatus: undefined };
  let state: unknown;
  try {
    state = JSON.parse(text.slice(at + OUT_OF_PROC_DATA.length));
  } catch {
    state = undefined;
  }
  if (!isObject(state)) return { message: text.slice(0, at), details: '', customStatus: undefined };
  const failure: OrchestratorFailure = {
    message: typeof state.error === 'string' ? state.error : text.slice(0, at),
    details: '',
    customStatus: state.customStatus,
  };
  const details = state.failureDetails;
  if (isObject(details) && typeof details.ErrorType === 'string' && typeof details.ErrorMessage === 'string') {
    failure.failureDetails = { ErrorType: details.ErrorType, ErrorMessage: details.ErrorMessage };
    if (typeof details.StackTrace === 'string') {
      failure.failureDetails.StackTrace = details.StackTrace;
      failure.details = details.StackTrace;
    }
  }
  return failure;
}
