import { newEngineState, TERMINAL_STATUSES, type InstanceRecord } from '../engine/engine-state.js';
import { START_VISIBLE_AT, type ParentRef } from '../engine/instance-message.js';
import { startMessageId } from '../engine/message-ids.js';
import type { TaskHubStores } from './task-hub.js';

export interface StartRequest {
  instanceId: string;
  name: string;
  executionId: string;
  /** JSON text */
  input: string | undefined;
  parent?: ParentRef;
}

/** `started`; `exists` when a non-finished instance has that id; `duplicate` when this very execution exists. */
export type StartOutcome = 'started' | 'exists' | 'duplicate';

/**
 * Creates an orchestration instance (Pending) and its start message. An instance id that finished before
 * is reused: its old history, inbox and scheduled work are removed first, as the extension allows
 * restarting completed, failed and terminated instances.
 */
export async function startInstance(stores: TaskHubStores, request: StartRequest, now = Date.now()): Promise<StartOutcome> {
  const existing = await stores.instances.get(request.instanceId);
  if (existing) {
    if (existing.executionId === request.executionId) return 'duplicate';
    if (existing.kind === 'orchestration' && existing.runtimeStatus === 'Pending') {
      // A start cut short between its two writes below (the host died) left a Pending row without its start message,
      // and the instance would never run: send that execution's start message again (same id: a no-op if it is there).
      await stores.inbox.send(
        request.instanceId,
        { kind: 'ExecutionStarted', executionId: existing.executionId },
        { visibleAt: START_VISIBLE_AT, id: startMessageId(existing.executionId) },
      );
      return 'exists';
    }
    if (existing.kind !== 'orchestration' || !TERMINAL_STATUSES.has(existing.runtimeStatus)) return 'exists';
    await Promise.all([stores.inbox.deleteAll(request.instanceId), stores.history.delete(request.instanceId), stores.workItems.deleteAll(request.instanceId)]);
  }
  const ts = new Date(now).toISOString();
  const record: InstanceRecord = {
    instanceId: request.instanceId,
    kind: 'orchestration',
    name: request.name,
    executionId: request.executionId,
    runtimeStatus: 'Pending',
    input: request.input,
    output: undefined,
    customStatus: undefined,
    createdTime: ts,
    lastUpdatedTime: ts,
    parent: request.parent,
    engine: newEngineState(),
    entityExists: false,
    entityState: undefined,
  };
  // The row first: a start message without its instance would be dropped.
  await stores.instances.put(record);
  await stores.inbox.send(
    request.instanceId,
    { kind: 'ExecutionStarted', executionId: request.executionId },
    { visibleAt: START_VISIBLE_AT, id: startMessageId(request.executionId) },
  );
  return 'started';
}
