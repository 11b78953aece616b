import type { TaskFailure } from '../protocol/history-event.js';

/** Where a sub-orchestration reports back to. */
export interface ParentRef {
  instanceId: string;
  executionId: string;
  taskId: number;
}

/**
 * What can arrive in an instance's inbox (orchestrations and entities). Results carry the execution they
 * belong to, so that late results of an earlier execution (continueAsNew, restart) are dropped.
 */
export type InstanceMessage =
  | { kind: 'ExecutionStarted'; executionId: string }
  | {
      kind: 'EventRaised';
      name: string;
      input: string | undefined;
    }
  | { kind: 'TaskCompleted'; executionId: string; taskId: number; result: string }
  | { kind: 'TaskFailed'; executionId: string; taskId: number; failure: TaskFailure }
  | { kind: 'TimerFired'; executionId: string; timerId: number; fireAt: string }
  | { kind: 'SubOrchestrationCompleted'; executionId: string; taskId: number; result: string }
  | { kind: 'SubOrchestrationFailed'; executionId: string; taskId: number; failure: TaskFailure }
  | { kind: 'EntityResponse'; executionId: string; requestId: string; result: string | undefined; isError: boolean }
  | { kind: 'Terminate'; reason: string | undefined }
  | { kind: 'Suspend'; reason: string | undefined }
  | { kind: 'Resume'; reason: string | undefined }
  | {
      kind: 'EntityOperation';
      requestId: string;
      operation: string;
      input: string | undefined;
      signal: boolean;
      /** the calling orchestration, which waits for the response */
      caller?: { instanceId: string; executionId: string };
    };

/** An inbox entry: `visibleAt` orders delivery (timers become visible when they fire). */
export interface StoredMessage {
  instanceId: string;
  id: string;
  visibleAt: number;
  message: InstanceMessage;
}

/** Start messages sort before everything else in an inbox. */
export const START_VISIBLE_AT = 0;
