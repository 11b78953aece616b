import { isObject, optionalNumber, optionalString, ProtocolError, requiredString, toJsonText, type JsonObject } from './json-value.js';

/** Action types as the library numbers them (`actions/ActionType.js`). */
export const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  CallEntity: 7,
  CallHttp: 8,
  SignalEntity: 9,
  WhenAny: 11,
  WhenAll: 12,
  LockEntities: 13,
  ReleaseEntities: 14,
} as const;

/** `RetryOptions` as serialised by the library (milliseconds). */
export interface RetryOptionsWire {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

/**
 * One non-compound action, normalised. `input` is JSON text: the library pre-serialises string inputs of
 * activities and continueAsNew (`Utils.processInput`) and sends every other input as a raw value.
 */
export type AtomicAction =
  | { kind: 'CallActivity'; name: string; input: string | undefined; retry?: RetryOptionsWire }
  | { kind: 'CallSubOrchestrator'; name: string; instanceId: string | undefined; input: string | undefined; retry?: RetryOptionsWire }
  | { kind: 'ContinueAsNew'; input: string | undefined }
  | { kind: 'CreateTimer'; fireAt: string; isCanceled: boolean }
  | { kind: 'WaitForExternalEvent'; eventName: string }
  | { kind: 'CallEntity'; entityId: string; operation: string; input: string | undefined }
  | { kind: 'SignalEntity'; entityId: string; operation: string; input: string | undefined }
  | { kind: 'Unsupported'; what: string };

/** Input the library already turned into JSON text when it was a string. */
function preSerialisedInput(obj: JsonObject): string | undefined {
  const value = obj.input;
  return typeof value === 'string' ? value : toJsonText(value);
}

function rawInput(obj: JsonObject): string | undefined {
  return toJsonText(obj.input);
}

function retryOptions(obj: JsonObject): RetryOptionsWire {
  const raw = obj.retryOptions;
  if (!isObject(raw)) throw new ProtocolError('A retry action has no retryOptions.');
  const first = optionalNumber(raw, 'firstRetryIntervalInMilliseconds');
  const max = optionalNumber(raw, 'maxNumberOfAttempts');
  if (first === undefined || max === undefined) throw new ProtocolError('retryOptions lack firstRetryIntervalInMilliseconds or maxNumberOfAttempts.');
  const options: RetryOptionsWire = { firstRetryIntervalInMilliseconds: first, maxNumberOfAttempts: max };
  const coefficient = optionalNumber(raw, 'backoffCoefficient');
  const maxInterval = optionalNumber(raw, 'maxRetryIntervalInMilliseconds');
  const timeout = optionalNumber(raw, 'retryTimeoutInMilliseconds');
  if (coefficient !== undefined) options.backoffCoefficient = coefficient;
  if (maxInterval !== undefined) options.maxRetryIntervalInMilliseconds = maxInterval;
  if (timeout !== undefined) options.retryTimeoutInMilliseconds = timeout;
  return options;
}

function parseAtomic(obj: JsonObject, type: number): AtomicAction {
  switch (type) {
    case ActionType.CallActivity:
      return { kind: 'CallActivity', name: requiredString(obj, 'functionName', 'CallActivity'), input: preSerialisedInput(obj) };
    case ActionType.CallActivityWithRetry:
      return {
        kind: 'CallActivity',
        name: requiredString(obj, 'functionName', 'CallActivityWithRetry'),
        input: preSerialisedInput(obj),
        retry: retryOptions(obj),
      };
    case ActionType.CallSubOrchestrator:
    case ActionType.CallSubOrchestratorWithRetry: {
      const action: AtomicAction = {
        kind: 'CallSubOrchestrator',
        name: requiredString(obj, 'functionName', 'CallSubOrchestrator'),
        instanceId: optionalString(obj, 'instanceId') || undefined,
        input: rawInput(obj),
      };
      if (type === ActionType.CallSubOrchestratorWithRetry) action.retry = retryOptions(obj);
      return action;
    }
    case ActionType.ContinueAsNew:
      return { kind: 'ContinueAsNew', input: preSerialisedInput(obj) };
    case ActionType.CreateTimer: {
      const fireAt = requiredString(obj, 'fireAt', 'CreateTimer');
      if (Number.isNaN(Date.parse(fireAt))) throw new ProtocolError(`CreateTimer has an invalid fireAt "${fireAt}".`);
      return { kind: 'CreateTimer', fireAt: new Date(fireAt).toISOString(), isCanceled: obj.isCanceled === true };
    }
    case ActionType.WaitForExternalEvent:
      return { kind: 'WaitForExternalEvent', eventName: requiredString(obj, 'externalEventName', 'WaitForExternalEvent') };
    case ActionType.CallEntity:
      return {
        kind: 'CallEntity',
        entityId: requiredString(obj, 'instanceId', 'CallEntity'),
        operation: requiredString(obj, 'operation', 'CallEntity'),
        input: rawInput(obj),
      };
    case ActionType.SignalEntity:
      return {
        kind: 'SignalEntity',
        entityId: requiredString(obj, 'instanceId', 'SignalEntity'),
        operation: requiredString(obj, 'operation', 'SignalEntity'),
        input: rawInput(obj),
      };
    case ActionType.CallHttp:
      return { kind: 'Unsupported', what: 'callHttp (durable HTTP calls)' };
    case ActionType.LockEntities:
    case ActionType.ReleaseEntities:
      return { kind: 'Unsupported', what: 'entity locks (critical sections)' };
    default:
      return { kind: 'Unsupported', what: `action type ${type}` };
  }
}

function flattenInto(value: unknown, out: AtomicAction[]): void {
  if (Array.isArray(value)) {
    for (const item of value) flattenInto(item, out);
    return;
  }
  if (!isObject(value)) throw new ProtocolError('An orchestrator action is not an object.');
  const type = optionalNumber(value, 'actionType');
  if (type === undefined) throw new ProtocolError('An orchestrator action has no actionType.');
  if (type === ActionType.WhenAll || type === ActionType.WhenAny) {
    // Compound actions (schema V2+) carry their children; sequence numbers follow the children in order.
    flattenInto(value.compoundActions, out);
    return;
  }
  out.push(parseAtomic(value, type));
}

/**
 * The orchestrator's actions in the order the library assigned their sequence numbers: depth first
 * through `actions: [[...]]` and through WhenAll/WhenAny `compoundActions`.
 */
export function flattenActions(actions: unknown): AtomicAction[] {
  const out: AtomicAction[] = [];
  flattenInto(actions ?? [], out);
  return out;
}

/** Whether the library gave this action a sequence number (`TaskOrchestrationExecutor.trackOpenTask`). */
export function consumesSequenceNumber(action: AtomicAction): boolean {
  return action.kind !== 'WaitForExternalEvent' && action.kind !== 'ContinueAsNew' && action.kind !== 'Unsupported';
}

/** What must stay the same between replays for an action at a given position. */
export function actionSignature(action: AtomicAction): string {
  switch (action.kind) {
    case 'CallActivity':
      return `${action.retry ? 'CallActivityWithRetry' : 'CallActivity'}:${action.name}`;
    case 'CallSubOrchestrator':
      return `${action.retry ? 'CallSubOrchestratorWithRetry' : 'CallSubOrchestrator'}:${action.name}`;
    case 'WaitForExternalEvent':
      return `WaitForExternalEvent:${action.eventName}`;
    case 'CallEntity':
    case 'SignalEntity':
      return `${action.kind}:${action.entityId}:${action.operation}`;
    case 'Unsupported':
      return `Unsupported:${action.what}`;
    default:
      return action.kind;
  }
}
