import type { Effect, LifecycleNotice } from '../engine/effects.js';
import { runEntityBatch, type EntityPort } from '../engine/entity-session.js';
import type { StoredMessage } from '../engine/instance-message.js';
import { OrchestrationSession, type OrchestratorPort } from '../engine/orchestration-session.js';
import { isEntityInstanceId } from '../protocol/entity-id.js';
import type { TimerPolicy } from '../protocol/timer-policy.js';
import type { AppliedEffects, EffectApplier } from './effect-applier.js';
import type { TaskHubStores } from './task-hub.js';

export interface InstanceProcessorDeps {
  stores: TaskHubStores;
  applier: EffectApplier;
  orchestrator: OrchestratorPort;
  entity: EntityPort;
  timers: TimerPolicy;
  /** called once a batch is durable */
  onCommitted(applied: AppliedEffects): void;
  log(line: string): void;
}

function firstLine(text: string, max = 300): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/**
 * The consumed messages that this batch may delete: not those it (re)wrote to its own inbox under the same
 * id. After a crash between a batch's effects and its commit, the batch runs again and meets its own
 * earlier writes: the next execution's start message (sorted first, it is dropped as not the current
 * execution's) or a timer that already came due (dropped: not pending yet). Running again, the batch
 * writes them anew; deleting them afterwards would leave the instance waiting forever.
 */
function stillConsumed(instanceId: string, consumed: string[], effects: readonly Effect[]): string[] {
  const rewritten = new Set<string>();
  for (const effect of effects) {
    if (effect.type === 'message' && effect.target === instanceId && effect.id !== undefined) rewritten.add(effect.id);
  }
  for (const effect of effects) {
    if (effect.type === 'cancelMessage' && effect.target === instanceId) rewritten.delete(effect.id);
  }
  return rewritten.size === 0 ? consumed : consumed.filter((id) => !rewritten.has(id));
}

/**
 * Processes one instance's deliverable inbox messages as one batch: load state, run episodes in memory,
 * then write effects, history, instance state, and finally delete the messages. Returns when the
 * instance next has something to do (a timer), if anything.
 */
export class InstanceProcessor {
  constructor(private readonly deps: InstanceProcessorDeps) {}

  async process(instanceId: string): Promise<number | undefined> {
    const now = Date.now();
    const messages = await this.deps.stores.inbox.list(instanceId);
    const due = messages.filter((m) => m.visibleAt <= now);
    const future = messages.filter((m) => m.visibleAt > now).map((m) => m.visibleAt);
    const next = future.length > 0 ? Math.min(...future) : undefined;
    if (due.length === 0) return next;
    const more = isEntityInstanceId(instanceId) ? await this.#entity(instanceId, due) : await this.#orchestration(instanceId, due);
    return more ? now : next;
  }

  async #orchestration(instanceId: string, due: StoredMessage[]): Promise<boolean> {
    const { stores, applier } = this.deps;
    const record = await stores.instances.get(instanceId);
    if (!record || record.kind !== 'orchestration') {
      await stores.inbox.delete(
        instanceId,
        due.map((m) => m.id),
      ); // no such instance (purged, never created)
      return false;
    }
    // Only the committed part: rows a crashed attempt of a batch wrote beyond it are overwritten now.
    const history = record.executionId ? await stores.history.load(instanceId, record.executionId, record.engine.historyLength) : [];
    const session = new OrchestrationSession(record, history, this.deps.orchestrator, this.deps.timers);
    for (const message of due) await session.apply(message);
    if (session.consumed.length === 0) return false; // everything waits (suspended, not started yet)

    const applied = await applier.apply(session.effects);
    const toWrite = session.historyToWrite();
    await stores.history.append(instanceId, toWrite.executionId, toWrite.startIndex, toWrite.events);
    // The instance row commits the batch: with it, the rows just written become part of the history.
    record.engine.historyLength = toWrite.startIndex + toWrite.events.length;
    record.lastUpdatedTime = new Date().toISOString();
    const consumed = stillConsumed(instanceId, session.consumed, session.effects);
    record.engine.lastBatch = consumed;
    await stores.instances.put(record);
    // Only now that the instance points at its new state may the inputs of this batch go.
    await stores.inbox.delete(instanceId, consumed);
    for (const executionId of session.replacedExecutions) await stores.history.delete(instanceId, executionId);
    this.deps.onCommitted(applied);
    for (const notice of session.notices) this.#logNotice(notice);
    // Messages held back while the instance was suspended are deliverable once it runs again.
    return session.deferred.length > 0 && record.runtimeStatus === 'Running';
  }

  async #entity(instanceId: string, due: StoredMessage[]): Promise<boolean> {
    const { stores, applier } = this.deps;
    const existing = await stores.instances.get(instanceId);
    const { record, effects, consumed, ran } = await runEntityBatch(instanceId, existing, due, this.deps.entity);
    const applied = await applier.apply(effects);
    if (ran || existing) {
      record.engine.lastBatch = consumed;
      await stores.instances.put(record);
    }
    await stores.inbox.delete(instanceId, consumed);
    this.deps.onCommitted(applied);
    return consumed.length < due.length;
  }

  /** instances whose next start is a continue-as-new: eternal orchestrations would otherwise log every round */
  readonly #continuing = new Set<string>();

  #logNotice(notice: LifecycleNotice): void {
    const what = `orchestration ${notice.name} (${notice.instanceId})`;
    switch (notice.kind) {
      case 'started':
        if (this.#continuing.delete(notice.instanceId)) return;
        return this.deps.log(`${what} started`);
      case 'completed':
        return this.deps.log(`${what} completed in ${Date.now() - Date.parse(notice.createdTime)} ms`);
      case 'continuedAsNew':
        this.#continuing.add(notice.instanceId);
        return;
      case 'terminated':
        return this.deps.log(`${what} terminated`);
      case 'failed':
        return this.deps.log(`${what} failed: ${firstLine(notice.reason)}`);
    }
  }
}
