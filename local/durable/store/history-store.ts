import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { HistoryEvent } from '../protocol/history-event.js';
import { isObject } from '../protocol/json-value.js';
import type { PayloadStore } from './payload-store.js';
import { deleteRows, submitInBatches } from './table-batches.js';
import { padNumber, toTableKey } from './table-keys.js';

// Row keys: `<executionId>.<index>`; '/' is the character after '.', which bounds one execution's range.
const rowKey = (executionId: string, index: number) => `${executionId}.${padNumber(index, 8)}`;

function isHistoryEvent(value: unknown): value is HistoryEvent {
  return isObject(value) && typeof value.EventType === 'number' && typeof value.Timestamp === 'string';
}

/** The history of each instance's current execution, one row per event. */
export class HistoryStore {
  constructor(
    private readonly table: TableClient,
    private readonly payloads: PayloadStore,
  ) {}

  /**
   * The history of an execution: its first `length` events (the committed ones, see
   * `EngineState.historyLength`), or every stored row when no length is known.
   */
  async load(instanceId: string, executionId: string, length?: number): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    if (length === 0) return events;
    const end = length === undefined ? executionId + '/' : rowKey(executionId, length);
    const filter = odata`PartitionKey eq ${toTableKey(instanceId)} and RowKey ge ${executionId + '.'} and RowKey lt ${end}`;
    for await (const row of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      const text = await this.payloads.decode(row, 'event');
      const event: unknown = text === undefined ? undefined : JSON.parse(text);
      if (!isHistoryEvent(event)) throw new Error(`History row ${row.rowKey} of instance ${instanceId} is not a history event.`);
      // Everything stored belongs to earlier episodes: the library reports it as replayed.
      events.push({ ...event, IsPlayed: true });
    }
    return events;
  }

  /** Writes events `startIndex…` of an execution (idempotent: rows are keyed by position). */
  async append(instanceId: string, executionId: string, startIndex: number, events: HistoryEvent[]): Promise<void> {
    if (events.length === 0) return;
    const partitionKey = toTableKey(instanceId);
    const actions: TransactionAction[] = [];
    for (const [i, event] of events.entries()) {
      const stored = await this.payloads.encode('event', JSON.stringify({ ...event, IsPlayed: undefined }));
      actions.push(['upsert', { partitionKey, rowKey: rowKey(executionId, startIndex + i), ...stored }, 'Replace']);
    }
    await submitInBatches(this.table, actions);
  }

  /** Deletes one execution's rows, or all of them. */
  async delete(instanceId: string, executionId?: string): Promise<number> {
    const partitionKey = toTableKey(instanceId);
    const filter =
      executionId === undefined
        ? odata`PartitionKey eq ${partitionKey}`
        : odata`PartitionKey eq ${partitionKey} and RowKey ge ${executionId + '.'} and RowKey lt ${executionId + '/'}`;
    const keys: string[] = [];
    for await (const row of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      await this.payloads.release(row);
      if (row.rowKey !== undefined) keys.push(row.rowKey);
    }
    await deleteRows(this.table, partitionKey, keys);
    return keys.length;
  }
}
