/**
 * History events in the wire shape durable-functions 3.x replays (PascalCase, numeric EventType,
 * Timestamp as ISO text: the library turns every `Timestamp` into a Date). See the library's
 * `history/*.js` and `orchestrations/TaskOrchestrationExecutor.js`.
 */
export const EventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionFailed: 2,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventSent: 14,
  EventRaised: 15,
  ContinueAsNew: 16,
  GenericEvent: 17,
  HistoryState: 18,
  ExecutionSuspended: 19,
  ExecutionResumed: 20,
} as const;

export type EventTypeName = keyof typeof EventType;

const NAMES = new Map<number, EventTypeName>(Object.entries(EventType).map(([name, value]) => [value, name as EventTypeName]));

export function eventTypeName(type: number): string {
  return NAMES.get(type) ?? `Unknown(${type})`;
}

/** The structured failure the library turns into a `TaskFailedError` (`TaskFailedError.js`). */
export interface FailureDetailsWire {
  ErrorType: string;
  ErrorMessage: string;
  StackTrace?: string;
  IsNonRetriable?: boolean;
  Properties?: Record<string, unknown>;
  InnerFailure?: FailureDetailsWire;
}

export interface HistoryEvent {
  EventType: number;
  /** the task's sequence number for scheduling events; -1 otherwise */
  EventId: number;
  /** true for events of earlier episodes: the library then reports `isReplaying` */
  IsPlayed: boolean;
  Timestamp: string;
  Name?: string;
  Input?: string;
  Result?: string;
  Version?: string;
  TaskScheduledId?: number;
  TimerId?: number;
  FireAt?: string;
  InstanceId?: string;
  Reason?: string;
  Details?: string;
  FailureDetails?: FailureDetailsWire;
  OrchestrationStatus?: string;
}

/** A failure as both the legacy `Reason`/`Details` pair and, when known, structured details. */
export interface TaskFailure {
  reason: string;
  details: string;
  failureDetails?: FailureDetailsWire;
}

function base(type: number, timestamp: string, eventId = -1): HistoryEvent {
  return { EventType: type, EventId: eventId, IsPlayed: false, Timestamp: timestamp };
}

function failureFields(failure: TaskFailure): Pick<HistoryEvent, 'Reason' | 'Details' | 'FailureDetails'> {
  return failure.failureDetails
    ? { Reason: failure.reason, Details: failure.details, FailureDetails: failure.failureDetails }
    : { Reason: failure.reason, Details: failure.details };
}

export const historyEvents = {
  orchestratorStarted: (ts: string): HistoryEvent => base(EventType.OrchestratorStarted, ts),
  orchestratorCompleted: (ts: string): HistoryEvent => base(EventType.OrchestratorCompleted, ts),
  executionStarted: (ts: string, name: string, input: string | undefined): HistoryEvent => ({
    ...base(EventType.ExecutionStarted, ts),
    Name: name,
    Input: input,
    Version: '',
  }),
  executionCompleted: (ts: string, status: string, result: string | undefined, failure?: TaskFailure): HistoryEvent => ({
    ...base(EventType.ExecutionCompleted, ts),
    OrchestrationStatus: status,
    Result: result,
    ...(failure ? failureFields(failure) : {}),
  }),
  executionTerminated: (ts: string, reason: string | undefined): HistoryEvent => ({ ...base(EventType.ExecutionTerminated, ts), Input: reason }),
  executionSuspended: (ts: string, reason: string | undefined): HistoryEvent => ({ ...base(EventType.ExecutionSuspended, ts), Reason: reason }),
  executionResumed: (ts: string, reason: string | undefined): HistoryEvent => ({ ...base(EventType.ExecutionResumed, ts), Reason: reason }),
  taskScheduled: (ts: string, id: number, name: string, input: string | undefined): HistoryEvent => ({
    ...base(EventType.TaskScheduled, ts, id),
    Name: name,
    Input: input,
  }),
  taskCompleted: (ts: string, id: number, result: string): HistoryEvent => ({ ...base(EventType.TaskCompleted, ts), TaskScheduledId: id, Result: result }),
  taskFailed: (ts: string, id: number, failure: TaskFailure): HistoryEvent => ({
    ...base(EventType.TaskFailed, ts),
    TaskScheduledId: id,
    ...failureFields(failure),
  }),
  subOrchestrationCreated: (ts: string, id: number, name: string, instanceId: string, input: string | undefined): HistoryEvent => ({
    ...base(EventType.SubOrchestrationInstanceCreated, ts, id),
    Name: name,
    InstanceId: instanceId,
    Input: input,
  }),
  subOrchestrationCompleted: (ts: string, id: number, result: string): HistoryEvent => ({
    ...base(EventType.SubOrchestrationInstanceCompleted, ts),
    TaskScheduledId: id,
    Result: result,
  }),
  subOrchestrationFailed: (ts: string, id: number, failure: TaskFailure): HistoryEvent => ({
    ...base(EventType.SubOrchestrationInstanceFailed, ts),
    TaskScheduledId: id,
    ...failureFields(failure),
  }),
  timerCreated: (ts: string, id: number, fireAt: string): HistoryEvent => ({ ...base(EventType.TimerCreated, ts, id), FireAt: fireAt }),
  timerFired: (ts: string, id: number, fireAt: string): HistoryEvent => ({ ...base(EventType.TimerFired, ts), TimerId: id, FireAt: fireAt }),
  eventSent: (ts: string, id: number, target: string, name: string, input: string): HistoryEvent => ({
    ...base(EventType.EventSent, ts, id),
    InstanceId: target,
    Name: name,
    Input: input,
  }),
  eventRaised: (ts: string, name: string, input: string | undefined): HistoryEvent => ({ ...base(EventType.EventRaised, ts), Name: name, Input: input }),
};
