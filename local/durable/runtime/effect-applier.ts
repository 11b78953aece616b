import type { Effect } from '../engine/effects.js';
import type { WorkItem } from '../store/work-item-store.js';
import { startInstance } from './instance-starter.js';
import type { KeyedMutex } from './keyed-mutex.js';
import type { TaskHubStores } from './task-hub.js';

/** What to do in memory once effects are durable: instances to wake (at a time), activities to run. */
export interface AppliedEffects {
  wakes: Array<{ instanceId: string; at: number }>;
  activities: WorkItem[];
}

/**
 * Makes an episode's effects durable before the instance's own state is written, so that a crash in
 * between only repeats them: every write here is idempotent or its duplicate is ignored on delivery.
 */
export class EffectApplier {
  constructor(
    private readonly stores: TaskHubStores,
    private readonly locks: KeyedMutex,
  ) {}

  async apply(effects: Effect[]): Promise<AppliedEffects> {
    const applied: AppliedEffects = { wakes: [], activities: [] };
    await Promise.all(effects.map((effect) => this.#applyOne(effect, applied)));
    return applied;
  }

  async #applyOne(effect: Effect, applied: AppliedEffects): Promise<void> {
    const { inbox, workItems } = this.stores;
    switch (effect.type) {
      case 'activity':
        await workItems.put(effect.item);
        applied.activities.push(effect.item);
        return;
      case 'message': {
        const stored = await inbox.send(effect.target, effect.message, {
          ...(effect.visibleAt !== undefined ? { visibleAt: effect.visibleAt } : {}),
          ...(effect.id ? { id: effect.id } : {}),
        });
        applied.wakes.push({ instanceId: effect.target, at: stored.visibleAt });
        return;
      }
      case 'cancelMessage':
        await inbox.delete(effect.target, [effect.id]);
        return;
      case 'startChild': {
        const { child } = effect;
        // (The parent holds its own lock here: a child with the parent's id must not wait for it.)
        const outcome =
          child.instanceId === child.parent.instanceId ? 'exists' : await this.locks.run(child.instanceId, () => startInstance(this.stores, child));
        if (outcome === 'exists') {
          // The extension fails the sub-orchestration task when the instance id is taken by a running one.
          const reason = `An orchestration with instance ID '${child.instanceId}' already exists and is not finished.`;
          await inbox.send(child.parent.instanceId, {
            kind: 'SubOrchestrationFailed',
            executionId: child.parent.executionId,
            taskId: child.parent.taskId,
            failure: { reason, details: '' },
          });
          applied.wakes.push({ instanceId: child.parent.instanceId, at: 0 });
          return;
        }
        applied.wakes.push({ instanceId: child.instanceId, at: 0 });
        return;
      }
    }
  }
}
