import type { RpcInvocationResponse, RpcTypedData } from '../../host/core-types.js';
import { parseEntitySchedulerId } from '../protocol/entity-id.js';
import { entityTrigger, readEntityBatchResult, type EntityBatchResult, type EntityOperationRequest } from '../protocol/entity-io.js';
import { deterministicId } from './deterministic-id.js';
import type { Effect } from './effects.js';
import { newEngineState, type InstanceRecord } from './engine-state.js';
import type { InstanceMessage, StoredMessage } from './instance-message.js';

/** Runs an entity function once over a batch; undefined when no such entity function is registered. */
export interface EntityPort {
  run(entityName: string, trigger: RpcTypedData): Promise<RpcInvocationResponse> | undefined;
}

// Operations per batch, like the extension's `maxEntityOperationBatchSize` (its default is larger).
const MAX_BATCH = 50;

type Operation = Extract<InstanceMessage, { kind: 'EntityOperation' }>;

function failedBatch(size: number, message: string): EntityBatchResult {
  return { exists: false, state: undefined, results: Array.from({ length: size }, () => ({ isError: true, result: JSON.stringify(message) })), signals: [] };
}

/**
 * One batch of operations on one entity: state in, the entity function runs each operation in order
 * (`entities/Entity.js`), state and results out. Responses go to calling orchestrations as entity
 * responses; signals the operations send go to their target entities.
 */
export async function runEntityBatch(
  entityId: string,
  existing: InstanceRecord | undefined,
  inbox: StoredMessage[],
  port: EntityPort,
  now: () => number = Date.now,
): Promise<{ record: InstanceRecord; effects: Effect[]; consumed: string[]; ran: boolean }> {
  const ref = parseEntitySchedulerId(entityId);
  const ts = new Date(now()).toISOString();
  const record: InstanceRecord = existing ?? {
    instanceId: entityId,
    kind: 'entity',
    name: ref.name,
    executionId: '',
    runtimeStatus: 'Running',
    input: undefined,
    output: undefined,
    customStatus: undefined,
    createdTime: ts,
    lastUpdatedTime: ts,
    parent: undefined,
    engine: newEngineState(),
    entityExists: false,
    entityState: undefined,
  };
  const consumed: string[] = [];
  const operations: Array<{ id: string; op: Operation }> = [];
  for (const stored of inbox) {
    if (operations.length >= MAX_BATCH) break;
    consumed.push(stored.id);
    if (record.engine.lastBatch.includes(stored.id) || stored.message.kind !== 'EntityOperation') continue;
    operations.push({ id: stored.id, op: stored.message });
  }
  const effects: Effect[] = [];
  if (operations.length === 0) return { record, effects, consumed, ran: false };

  const batch: EntityOperationRequest[] = operations.map(({ op }) => ({
    id: op.requestId,
    name: op.operation,
    signal: op.signal,
    ...(op.input !== undefined ? { input: op.input } : {}),
  }));
  let result: EntityBatchResult;
  const invocation = port.run(ref.name, entityTrigger(ref, record.entityExists, record.entityState, batch));
  if (!invocation) {
    result = failedBatch(batch.length, `The function '${ref.name}' doesn't exist, is disabled, or is not an entity function.`);
  } else {
    try {
      result = readEntityBatchResult(await invocation, batch.length);
    } catch (err) {
      result = failedBatch(batch.length, `Entity function '${ref.name}' failed: ${err instanceof Error ? err.message : String(err)}`);
      result.exists = record.entityExists;
      result.state = record.entityState;
    }
  }

  record.entityExists = result.exists;
  record.entityState = result.exists ? result.state : undefined;
  record.lastUpdatedTime = ts;
  operations.forEach(({ op }, i) => {
    const outcome = result.results[i];
    if (op.signal || !op.caller || !outcome) return;
    effects.push({
      type: 'message',
      target: op.caller.instanceId,
      message: { kind: 'EntityResponse', executionId: op.caller.executionId, requestId: op.requestId, result: outcome.result, isError: outcome.isError },
    });
  });
  result.signals.forEach((signal, i) => {
    const requestId = deterministicId(entityId, operations[0]?.id ?? '', 'signal', i);
    effects.push({
      type: 'message',
      target: signal.target,
      message: { kind: 'EntityOperation', requestId, operation: signal.operation, input: signal.input, signal: true },
    });
  });
  return { record, effects, consumed, ran: true };
}
