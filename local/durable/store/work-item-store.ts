import { odata, type TableClient } from '@azure/data-tables';
import type { PayloadStore } from './payload-store.js';
import { deleteRows, isNotFound } from './table-batches.js';
import { padNumber, toTableKey } from './table-keys.js';

/** A scheduled activity invocation (the Azure Storage provider's work-item queue). */
export interface WorkItem {
  instanceId: string;
  executionId: string;
  taskId: number;
  name: string;
  /** JSON text */
  input: string | undefined;
}

const rowKey = (item: Pick<WorkItem, 'executionId' | 'taskId'>) => `${item.executionId}.${padNumber(item.taskId, 8)}`;

export function workItemKey(item: WorkItem): string {
  return `${item.instanceId}|${rowKey(item)}`;
}

/** Activities scheduled but not finished: what a restarted host runs again (at least once). */
export class WorkItemStore {
  constructor(
    private readonly table: TableClient,
    private readonly payloads: PayloadStore,
  ) {}

  async put(item: WorkItem): Promise<void> {
    const input = await this.payloads.encode('input', item.input);
    await this.table.upsertEntity(
      {
        partitionKey: toTableKey(item.instanceId),
        rowKey: rowKey(item),
        instanceId: item.instanceId,
        executionId: item.executionId,
        taskId: item.taskId,
        name: item.name,
        ...input,
      },
      'Replace',
    );
  }

  async delete(item: WorkItem): Promise<void> {
    await this.table.deleteEntity(toTableKey(item.instanceId), rowKey(item)).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }

  async deleteAll(instanceId: string): Promise<void> {
    const keys: string[] = [];
    for await (const row of this.table.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${toTableKey(instanceId)}`, select: ['RowKey'] } }))
      if (row.rowKey !== undefined) keys.push(row.rowKey);
    await deleteRows(this.table, toTableKey(instanceId), keys);
  }

  async listAll(): Promise<WorkItem[]> {
    const items: WorkItem[] = [];
    for await (const row of this.table.listEntities<Record<string, unknown>>()) {
      const { instanceId, executionId, taskId, name } = row;
      if (typeof instanceId !== 'string' || typeof executionId !== 'string' || typeof taskId !== 'number' || typeof name !== 'string') continue;
      items.push({ instanceId, executionId, taskId, name, input: await this.payloads.decode(row, 'input') });
    }
    return items;
  }
}
