import type { RpcInvocationResponse, RpcTypedData } from '../../host/core-types.js';
import { FunctionInvocationError } from '../../host/function-invoker.js';
import type { FailureDetailsWire, TaskFailure } from './history-event.js';
import { isObject, optionalString } from './json-value.js';
import { typedDataValue } from './typed-data.js';

/** The activity trigger's data: the input's JSON text, which the programming model parses back. */
export function activityTrigger(input: string | undefined): RpcTypedData {
  return input === undefined ? {} : { string: input };
}

/** `TaskCompleted.Result`: JSON text, `null` for activities that return nothing. */
export function activityResultJson(response: RpcInvocationResponse): string {
  return JSON.stringify(typedDataValue(response.returnValue) ?? null);
}

/**
 * With an exception properties provider registered, the library's `wrapActivityHandler` replaces the
 * error message with failure details JSON (`buildTaskFailureDetailsJson`); they become `FailureDetails`,
 * which the orchestrator sees as a `TaskFailedError`.
 */
function failureDetailsFromMessage(message: string): FailureDetailsWire | undefined {
  if (!message.startsWith('{')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (!isObject(parsed)) return undefined;
  const errorType = optionalString(parsed, 'errorType');
  const errorMessage = optionalString(parsed, 'errorMessage');
  if (errorType === undefined || errorMessage === undefined || !isObject(parsed.properties)) return undefined;
  const wire: FailureDetailsWire = {
    ErrorType: errorType,
    ErrorMessage: errorMessage,
    IsNonRetriable: parsed.isNonRetriable === true,
    Properties: parsed.properties,
  };
  const stack = optionalString(parsed, 'stackTrace');
  if (stack !== undefined) wire.StackTrace = stack;
  return wire;
}

export function functionFailure(kind: 'Activity' | 'Orchestrator', functionName: string, error: unknown): TaskFailure {
  const cause = error instanceof FunctionInvocationError ? error.cause : error;
  const message = cause instanceof Error ? cause.message : String(cause);
  const details = failureDetailsFromMessage(message);
  if (details) {
    return { reason: `${kind} function '${functionName}' failed: ${details.ErrorMessage}`, details: details.StackTrace ?? '', failureDetails: details };
  }
  return { reason: `${kind} function '${functionName}' failed: ${message}`, details: cause instanceof Error ? (cause.stack ?? '') : '' };
}
