import type { RetryOptionsWire } from '../protocol/actions.js';
import type { ParentRef } from './instance-message.js';

export type RuntimeStatus = 'Pending' | 'Running' | 'Completed' | 'ContinuedAsNew' | 'Failed' | 'Terminated' | 'Suspended';

export const TERMINAL_STATUSES: ReadonlySet<RuntimeStatus> = new Set(['Completed', 'Failed', 'Terminated']);

export interface RetryState {
  options: RetryOptionsWire;
  /** 1 for the first attempt */
  attempt: number;
}

/** Work the orchestration waits for, by sequence number. */
export type PendingTask =
  | { kind: 'activity'; name: string; input: string | undefined; retry?: RetryState }
  | { kind: 'subOrchestration'; name: string; instanceId: string; explicitInstanceId: boolean; input: string | undefined; retry?: RetryState }
  | {
      kind: 'timer';
      fireAt: string;
      /** long timers are chains of shorter ones (schema V3); the chain ends at this time */
      finalFireAt?: string;
      /** a retry back-off timer: the task to schedule again when it fires */
      retryOf?: Extract<PendingTask, { kind: 'activity' | 'subOrchestration' }>;
    }
  | { kind: 'entityCall'; requestId: string; entityId: string };

/** What the driver must remember about an execution between episodes, beside its history. */
export interface EngineState {
  /** the library's next sequence number (`TaskOrchestrationExecutor.sequenceNumber`) */
  nextSequence: number;
  /** signatures of every action the orchestrator produced in this execution, in order */
  actions: string[];
  pending: Record<string, PendingTask>;
  /** inbox message ids of the last committed batch: redelivered after a crash, they are skipped */
  lastBatch: string[];
  /**
   * How many history events of the current execution are committed. History rows are written before the
   * instance row that points at them, so a crash in between leaves rows of a batch that did not happen
   * (it runs again after the restart): only the first `historyLength` rows belong to the execution.
   * Undefined in state written before this field existed: every row counts.
   */
  historyLength?: number;
}

export function newEngineState(): EngineState {
  return { nextSequence: 0, actions: [], pending: {}, lastBatch: [], historyLength: 0 };
}

/** An orchestration instance or an entity, as stored in the Instances table. */
export interface InstanceRecord {
  instanceId: string;
  kind: 'orchestration' | 'entity';
  /** orchestrator function name; entity name for entities */
  name: string;
  executionId: string;
  runtimeStatus: RuntimeStatus;
  /** JSON text */
  input: string | undefined;
  /** JSON text */
  output: string | undefined;
  /** JSON text */
  customStatus: string | undefined;
  createdTime: string;
  lastUpdatedTime: string;
  parent: ParentRef | undefined;
  engine: EngineState;
  /** entities: whether the entity exists, and its state as JSON text */
  entityExists: boolean;
  entityState: string | undefined;
}
