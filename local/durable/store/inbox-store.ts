import { randomBytes } from 'node:crypto';
import { odata, type TableClient } from '@azure/data-tables';
import type { InstanceMessage, StoredMessage } from '../engine/instance-message.js';
import { isObject } from '../protocol/json-value.js';
import type { PayloadStore } from './payload-store.js';
import { deleteRows } from './table-batches.js';
import { padNumber, toTableKey } from './table-keys.js';

let counter = 0;

/** A new message id that sorts by arrival within one process. */
export function newMessageId(now = Date.now()): string {
  counter = (counter + 1) % 1_000_000;
  return `${padNumber(now, 15)}-${padNumber(counter, 6)}-${randomBytes(3).toString('hex')}`;
}

function isInstanceMessage(value: unknown): value is InstanceMessage {
  return isObject(value) && typeof value.kind === 'string';
}

function byDelivery(a: StoredMessage, b: StoredMessage): number {
  return a.visibleAt - b.visibleAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Each instance's inbox: events, results, timers (visible from their fire time) and control messages.
 * It plays the part of the Azure Storage provider's control queues, durable across host restarts.
 */
export class InboxStore {
  constructor(
    private readonly table: TableClient,
    private readonly payloads: PayloadStore,
  ) {}

  async send(instanceId: string, message: InstanceMessage, options: { visibleAt?: number; id?: string } = {}): Promise<StoredMessage> {
    const now = Date.now();
    const stored: StoredMessage = { instanceId, id: options.id ?? newMessageId(now), visibleAt: options.visibleAt ?? now, message };
    const body = await this.payloads.encode('message', JSON.stringify(message));
    await this.table.upsertEntity({ partitionKey: toTableKey(instanceId), rowKey: stored.id, instanceId, visibleAt: stored.visibleAt, ...body }, 'Replace');
    return stored;
  }

  /** Every message of an instance, in delivery order. */
  async list(instanceId: string): Promise<StoredMessage[]> {
    const messages: StoredMessage[] = [];
    const filter = odata`PartitionKey eq ${toTableKey(instanceId)}`;
    for await (const row of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      const text = await this.payloads.decode(row, 'message');
      const message: unknown = text === undefined ? undefined : JSON.parse(text);
      if (!isInstanceMessage(message) || row.rowKey === undefined) continue;
      messages.push({ instanceId, id: row.rowKey, visibleAt: typeof row.visibleAt === 'number' ? row.visibleAt : 0, message });
    }
    return messages.sort(byDelivery);
  }

  async delete(instanceId: string, ids: string[]): Promise<void> {
    await deleteRows(this.table, toTableKey(instanceId), ids);
  }

  async deleteAll(instanceId: string): Promise<void> {
    const ids: string[] = [];
    const filter = odata`PartitionKey eq ${toTableKey(instanceId)}`;
    for await (const row of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter, select: ['RowKey'] } }))
      if (row.rowKey !== undefined) ids.push(row.rowKey);
    await this.delete(instanceId, ids);
  }

  /** For start-up: the earliest delivery time of each instance that has messages. */
  async scan(): Promise<Map<string, number>> {
    const due = new Map<string, number>();
    for await (const row of this.table.listEntities<Record<string, unknown>>({ queryOptions: { select: ['instanceId', 'visibleAt'] } })) {
      if (typeof row.instanceId !== 'string') continue;
      const at = typeof row.visibleAt === 'number' ? row.visibleAt : 0;
      due.set(row.instanceId, Math.min(at, due.get(row.instanceId) ?? Number.POSITIVE_INFINITY));
    }
    return due;
  }
}
