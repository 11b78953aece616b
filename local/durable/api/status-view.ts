import type { InstanceRecord } from '../engine/engine-state.js';
import { EventType, eventTypeName, type HistoryEvent } from '../protocol/history-event.js';
import { parseJsonText } from '../protocol/json-value.js';

export interface StatusOptions {
  showInput: boolean;
  showHistory: boolean;
  showHistoryOutput: boolean;
}

/** The extension writes times with second precision ("s" format + Z). */
function apiTime(iso: string): string {
  return iso ? `${iso.slice(0, 19)}Z` : iso;
}

function safeParse(text: string | undefined): unknown {
  try {
    return parseJsonText(text) ?? null;
  } catch {
    return text ?? null;
  }
}

// Bookkeeping events the extension leaves out of `historyEvents`.
const HIDDEN = new Set<number>([
  EventType.OrchestratorStarted,
  EventType.OrchestratorCompleted,
  EventType.TaskScheduled,
  EventType.SubOrchestrationInstanceCreated,
]);

/** History as the HTTP API shows it: names resolved, outputs only when asked for. */
function historyView(history: readonly HistoryEvent[], options: StatusOptions): unknown[] {
  const scheduledNames = new Map<number, { name: string; at: string }>();
  const view: unknown[] = [];
  for (const event of history) {
    if (event.EventType === EventType.TaskScheduled || event.EventType === EventType.SubOrchestrationInstanceCreated) {
      scheduledNames.set(event.EventId, { name: event.Name ?? '', at: event.Timestamp });
    }
    if (HIDDEN.has(event.EventType)) continue;
    const item: Record<string, unknown> = { EventType: eventTypeName(event.EventType), Timestamp: event.Timestamp };
    const scheduled = event.TaskScheduledId !== undefined ? scheduledNames.get(event.TaskScheduledId) : undefined;
    if (event.EventType === EventType.ExecutionStarted) {
      item.FunctionName = event.Name;
      if (options.showInput) item.Input = safeParse(event.Input);
    }
    if (scheduled) {
      item.FunctionName = scheduled.name;
      item.ScheduledTime = scheduled.at;
    }
    if (event.EventType === EventType.EventRaised || event.EventType === EventType.EventSent) item.Name = event.Name;
    if (event.InstanceId !== undefined) item.InstanceId = event.InstanceId;
    if (event.FireAt !== undefined) item.FireAt = event.FireAt;
    if (event.TimerId !== undefined) item.TimerId = event.TimerId;
    if (event.OrchestrationStatus !== undefined) item.OrchestrationStatus = event.OrchestrationStatus;
    if (event.Reason !== undefined) item.Reason = event.Reason;
    if (event.Details) item.Details = event.Details;
    if (options.showHistoryOutput) {
      if (event.Result !== undefined) item.Result = safeParse(event.Result);
      if (event.EventType === EventType.EventRaised) item.Input = safeParse(event.Input);
    }
    view.push(item);
  }
  return view;
}

/** The status payload of the HTTP API (`StatusResponsePayload`). */
export function statusPayload(record: InstanceRecord, history: readonly HistoryEvent[] | undefined, options: StatusOptions): Record<string, unknown> {
  const payload: Record<string, unknown> = {
    name: record.name,
    instanceId: record.instanceId,
    runtimeStatus: record.runtimeStatus,
    input: options.showInput ? safeParse(record.input) : null,
    customStatus: safeParse(record.customStatus),
    output: safeParse(record.output),
    createdTime: apiTime(record.createdTime),
    lastUpdatedTime: apiTime(record.lastUpdatedTime),
  };
  if (options.showHistory && history) {
    payload.historyEvents = historyView(history, options);
    // durable-functions' DurableOrchestrationStatus reads `history`.
    payload.history = payload.historyEvents;
  }
  return payload;
}
