import { randomUUID } from 'node:crypto';
import type { FunctionRegistry } from '../../host/function-registry.js';
import { TERMINAL_STATUSES, type InstanceRecord, type RuntimeStatus } from '../engine/engine-state.js';
import type { InstanceMessage } from '../engine/instance-message.js';
import { entitySchedulerId } from '../protocol/entity-id.js';
import type { HistoryEvent } from '../protocol/history-event.js';
import type { InstanceQuery } from '../store/instance-store.js';
import { findDurableFunction, TRIGGER_TYPES } from './function-ports.js';
import { startInstance } from './instance-starter.js';
import type { KeyedMutex } from './keyed-mutex.js';
import type { TaskHubStores } from './task-hub.js';

export type ControlOutcome = 'accepted' | 'not-found' | 'gone';

export interface TaskHubClientDeps {
  stores: TaskHubStores;
  locks: KeyedMutex;
  registry: FunctionRegistry;
  wake(instanceId: string, at?: number): void;
}

/** What the HTTP API does to the task hub: the operations behind the durable client. */
export class TaskHubClient {
  constructor(private readonly deps: TaskHubClientDeps) {}

  async startNew(
    name: string,
    instanceId: string | undefined,
    input: string | undefined,
  ): Promise<{ outcome: 'started' | 'exists' | 'unknown-function'; instanceId: string }> {
    const fn = findDurableFunction(this.deps.registry, name, TRIGGER_TYPES.orchestration);
    const id = instanceId || randomUUID().replace(/-/g, '');
    if (!fn) return { outcome: 'unknown-function', instanceId: id };
    const outcome = await this.deps.locks.run(id, () => startInstance(this.deps.stores, { instanceId: id, name: fn.name, executionId: randomUUID(), input }));
    if (outcome !== 'started') {
      this.deps.wake(id); // a Pending instance whose start message was just sent again
      return { outcome: 'exists', instanceId: id };
    }
    this.deps.wake(id);
    return { outcome: 'started', instanceId: id };
  }

  async get(instanceId: string, withHistory: boolean): Promise<{ record: InstanceRecord; history: HistoryEvent[] | undefined } | undefined> {
    const record = await this.deps.stores.instances.get(instanceId);
    if (!record || record.kind !== 'orchestration') return undefined;
    const history = withHistory ? await this.deps.stores.history.load(instanceId, record.executionId, record.engine.historyLength) : undefined;
    return { record, history };
  }

  list(query: InstanceQuery): ReturnType<TaskHubStores['instances']['query']> {
    return this.deps.stores.instances.query(query);
  }

  async raiseEvent(instanceId: string, name: string, input: string | undefined): Promise<ControlOutcome> {
    return this.#control(instanceId, { kind: 'EventRaised', name, input });
  }

  async terminate(instanceId: string, reason: string | undefined): Promise<ControlOutcome> {
    return this.#control(instanceId, { kind: 'Terminate', reason });
  }

  async suspend(instanceId: string, reason: string | undefined): Promise<ControlOutcome> {
    return this.#control(instanceId, { kind: 'Suspend', reason });
  }

  async resume(instanceId: string, reason: string | undefined): Promise<ControlOutcome> {
    return this.#control(instanceId, { kind: 'Resume', reason });
  }

  async #control(instanceId: string, message: InstanceMessage): Promise<ControlOutcome> {
    const record = await this.deps.stores.instances.get(instanceId);
    if (!record || record.kind !== 'orchestration') return 'not-found';
    if (TERMINAL_STATUSES.has(record.runtimeStatus)) return 'gone';
    await this.deps.stores.inbox.send(instanceId, message);
    this.deps.wake(instanceId);
    return 'accepted';
  }

  /** Deletes a finished instance and everything stored for it. */
  async purge(instanceId: string): Promise<'purged' | 'not-found' | 'not-finished'> {
    return this.deps.locks.run(instanceId, async () => {
      const record = await this.deps.stores.instances.get(instanceId);
      if (!record) return 'not-found';
      if (record.kind === 'orchestration' && !TERMINAL_STATUSES.has(record.runtimeStatus)) return 'not-finished';
      await this.#deleteEverything(instanceId);
      return 'purged';
    });
  }

  /** Purges the finished instances created in a time range (optionally with given statuses). */
  async purgeBy(filter: { createdTimeFrom: string; createdTimeTo: string; runtimeStatus: RuntimeStatus[] }): Promise<number> {
    const statuses = (filter.runtimeStatus.length > 0 ? filter.runtimeStatus : [...TERMINAL_STATUSES]).filter((s) => TERMINAL_STATUSES.has(s));
    let deleted = 0;
    let continuationToken: string | undefined;
    do {
      const page = await this.list({
        createdTimeFrom: filter.createdTimeFrom,
        createdTimeTo: filter.createdTimeTo,
        runtimeStatus: statuses,
        pageSize: 100,
        ...(continuationToken ? { continuationToken } : {}),
      });
      for (const record of page.records) if ((await this.purge(record.instanceId)) === 'purged') deleted++;
      continuationToken = page.continuationToken;
    } while (continuationToken);
    return deleted;
  }

  async #deleteEverything(instanceId: string): Promise<void> {
    const { instances, history, inbox, workItems } = this.deps.stores;
    await Promise.all([history.delete(instanceId), inbox.deleteAll(instanceId), workItems.deleteAll(instanceId)]);
    await instances.delete(instanceId);
  }

  async signalEntity(name: string, key: string, operation: string, input: string | undefined): Promise<void> {
    const entityId = entitySchedulerId(name, key);
    await this.deps.stores.inbox.send(entityId, { kind: 'EntityOperation', requestId: randomUUID(), operation, input, signal: true });
    this.deps.wake(entityId);
  }

  /** The entity's state as JSON text, or undefined when it does not exist. */
  async readEntityState(name: string, key: string): Promise<string | undefined> {
    const record = await this.deps.stores.instances.get(entitySchedulerId(name, key));
    return record?.kind === 'entity' && record.entityExists ? (record.entityState ?? 'null') : undefined;
  }
}
