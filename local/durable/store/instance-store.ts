import { odata, type TableClient, type TableEntityResult } from '@azure/data-tables';
import { newEngineState, type EngineState, type InstanceRecord, type PendingTask, type RuntimeStatus } from '../engine/engine-state.js';
import type { ParentRef } from '../engine/instance-message.js';
import { isObject } from '../protocol/json-value.js';
import { isNotFound } from './table-batches.js';
import { toTableKey } from './table-keys.js';
import type { PayloadStore } from './payload-store.js';

const ROW_KEY = 'instance';
const STATUSES: ReadonlySet<string> = new Set<RuntimeStatus>(['Pending', 'Running', 'Completed', 'ContinuedAsNew', 'Failed', 'Terminated', 'Suspended']);
const PENDING_KINDS: ReadonlySet<string> = new Set<PendingTask['kind']>(['activity', 'subOrchestration', 'timer', 'entityCall']);

export interface InstanceQuery {
  runtimeStatus?: RuntimeStatus[];
  createdTimeFrom?: string;
  createdTimeTo?: string;
  instanceIdPrefix?: string;
  pageSize: number;
  continuationToken?: string;
}

function isRuntimeStatus(value: unknown): value is RuntimeStatus {
  return typeof value === 'string' && STATUSES.has(value);
}

function isPendingTask(value: unknown): value is PendingTask {
  return isObject(value) && typeof value.kind === 'string' && PENDING_KINDS.has(value.kind);
}

/** The engine state this host wrote itself; anything unexpected means the row was not written by it. */
function parseEngineState(text: string | undefined): EngineState {
  if (text === undefined) return newEngineState();
  const value: unknown = JSON.parse(text);
  if (!isObject(value) || typeof value.nextSequence !== 'number' || !Array.isArray(value.actions) || !isObject(value.pending)) {
    throw new Error('The stored engine state of an instance is not readable.');
  }
  const pending: Record<string, PendingTask> = {};
  for (const [id, task] of Object.entries(value.pending)) {
    if (isPendingTask(task)) pending[id] = task;
  }
  return {
    nextSequence: value.nextSequence,
    actions: value.actions.filter((a): a is string => typeof a === 'string'),
    pending,
    lastBatch: Array.isArray(value.lastBatch) ? value.lastBatch.filter((a): a is string => typeof a === 'string') : [],
    ...(typeof value.historyLength === 'number' ? { historyLength: value.historyLength } : {}),
  };
}

function parseParent(text: unknown): ParentRef | undefined {
  if (typeof text !== 'string') return undefined;
  const value: unknown = JSON.parse(text);
  if (!isObject(value) || typeof value.instanceId !== 'string' || typeof value.executionId !== 'string' || typeof value.taskId !== 'number') return undefined;
  return { instanceId: value.instanceId, executionId: value.executionId, taskId: value.taskId };
}

function text(row: Record<string, unknown>, key: string): string {
  const value = row[key];
  return typeof value === 'string' ? value : '';
}

/** Instances (orchestrations and entities): status, input, output, custom status, engine state. */
export class InstanceStore {
  constructor(
    private readonly table: TableClient,
    private readonly payloads: PayloadStore,
  ) {}

  async get(instanceId: string): Promise<InstanceRecord | undefined> {
    try {
      const row = await this.table.getEntity<Record<string, unknown>>(toTableKey(instanceId), ROW_KEY);
      return await this.#toRecord(row);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async put(record: InstanceRecord): Promise<void> {
    const [input, output, customStatus, engine, entityState] = await Promise.all([
      this.payloads.encode('input', record.input),
      this.payloads.encode('output', record.output),
      this.payloads.encode('customStatus', record.customStatus),
      this.payloads.encode('engine', JSON.stringify(record.engine)),
      this.payloads.encode('entityState', record.entityState),
    ]);
    await this.table.upsertEntity(
      {
        partitionKey: toTableKey(record.instanceId),
        rowKey: ROW_KEY,
        instanceId: record.instanceId,
        kind: record.kind,
        name: record.name,
        executionId: record.executionId,
        runtimeStatus: record.runtimeStatus,
        createdTime: record.createdTime,
        lastUpdatedTime: record.lastUpdatedTime,
        entityExists: record.entityExists,
        ...(record.parent ? { parent: JSON.stringify(record.parent) } : {}),
        ...input,
        ...output,
        ...customStatus,
        ...engine,
        ...entityState,
      },
      'Replace',
    );
  }

  async delete(instanceId: string): Promise<boolean> {
    try {
      const row = await this.table.getEntity<Record<string, unknown>>(toTableKey(instanceId), ROW_KEY);
      await this.payloads.release(row);
      await this.table.deleteEntity(toTableKey(instanceId), ROW_KEY);
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  /** One page of orchestration instances matching the filter (entities are left out, as in the HTTP API). */
  async query(query: InstanceQuery): Promise<{ records: InstanceRecord[]; continuationToken: string | undefined }> {
    const clauses = [odata`kind eq ${'orchestration'}`];
    if (query.createdTimeFrom) clauses.push(odata`createdTime ge ${query.createdTimeFrom}`);
    if (query.createdTimeTo) clauses.push(odata`createdTime le ${query.createdTimeTo}`);
    if (query.runtimeStatus && query.runtimeStatus.length > 0) {
      clauses.push(`(${query.runtimeStatus.map((s) => odata`runtimeStatus eq ${s}`).join(' or ')})`);
    }
    if (query.instanceIdPrefix) {
      const prefix = toTableKey(query.instanceIdPrefix);
      clauses.push(odata`PartitionKey ge ${prefix} and PartitionKey lt ${prefix + '\uffff'}`);
    }
    const pages = this.table
      .listEntities<Record<string, unknown>>({ queryOptions: { filter: clauses.join(' and ') } })
      .byPage({ maxPageSize: query.pageSize, ...(query.continuationToken ? { continuationToken: query.continuationToken } : {}) });
    const page = await pages.next();
    if (page.done) return { records: [], continuationToken: undefined };
    const records = await Promise.all(page.value.map((row) => this.#toRecord(row)));
    return { records, continuationToken: page.value.continuationToken };
  }

  async #toRecord(row: TableEntityResult<Record<string, unknown>>): Promise<InstanceRecord> {
    const [input, output, customStatus, engine, entityState] = await Promise.all([
      this.payloads.decode(row, 'input'),
      this.payloads.decode(row, 'output'),
      this.payloads.decode(row, 'customStatus'),
      this.payloads.decode(row, 'engine'),
      this.payloads.decode(row, 'entityState'),
    ]);
    const status = row.runtimeStatus;
    const kind = row.kind === 'entity' ? 'entity' : 'orchestration';
    return {
      instanceId: text(row, 'instanceId'),
      kind,
      name: text(row, 'name'),
      executionId: text(row, 'executionId'),
      runtimeStatus: isRuntimeStatus(status) ? status : 'Pending',
      input,
      output,
      customStatus,
      createdTime: text(row, 'createdTime'),
      lastUpdatedTime: text(row, 'lastUpdatedTime'),
      parent: parseParent(row.parent),
      engine: parseEngineState(engine),
      entityExists: row.entityExists === true,
      entityState,
    };
  }
}
