import type { Container, PatchOperation } from '@azure/cosmos';
import { dispatchGateId, type GateState } from '../../domain/dispatch-gate.js';
import type { DispatchGates } from '../../app/runs/dispatch-gates.js';
import { statusOf } from './cosmos-document-store.js';

const TYPE = 'dispatchGate';

interface GateDocument {
  id: string;
  environmentId: string;
  type: typeof TYPE;
  groupId: string;
  open: boolean;
  epoch: number;
  /** assignments confirmed under this gate (the confirm has to write something) */
  dispatched: number;
  reason?: string;
  changedAt: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * Gates as documents of the control container, in the environment's partition. `confirm` is a patch conditioned on
 * `open` and `epoch` (a Cosmos filter predicate, evaluated on the primary like If-Match), so that concurrent claims of
 * one group do not conflict with each other, only with a close or an open.
 */
export class CosmosDispatchGates implements DispatchGates {
  constructor(
    private readonly container: Container,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async read(environmentId: string, groupId: string): Promise<GateState | undefined> {
    try {
      const { resource } = await this.container.item(dispatchGateId(groupId), environmentId).read<GateDocument>();
      return resource ? { open: resource.open, epoch: resource.epoch, changedAt: resource.changedAt } : undefined;
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  }

  close(environmentId: string, groupId: string, reason: string): Promise<void> {
    return this.#move(environmentId, groupId, false, reason);
  }

  open(environmentId: string, groupId: string): Promise<void> {
    return this.#move(environmentId, groupId, true);
  }

  async confirm(environmentId: string, groupId: string, epoch: number, created = false): Promise<boolean> {
    try {
      await this.container.item(dispatchGateId(groupId), environmentId).patch({
        condition: `FROM c WHERE c.open = true AND c.epoch = ${Math.trunc(epoch)}`,
        operations: [{ op: 'incr', path: '/dispatched', value: 1 }],
      });
      return true;
    } catch (err) {
      const status = statusOf(err);
      if (status === 412) return false;
      // a group without a gate (made before gates existed) is open at epoch 0 until something closes it: the first
      // claim makes it (a concurrent one may make it first), then confirms against it like any other
      if (status === 404 && epoch === 0 && !created) {
        await this.#createIfMissing(environmentId, groupId, true, undefined);
        return this.confirm(environmentId, groupId, epoch, true);
      }
      if (status === 404) return false;
      throw err;
    }
  }

  async remove(environmentId: string, groupId: string): Promise<void> {
    try {
      await this.container.item(dispatchGateId(groupId), environmentId).delete();
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
  }

  async #move(environmentId: string, groupId: string, open: boolean, reason?: string): Promise<void> {
    const at = this.now().toISOString();
    const operations: PatchOperation[] = [
      { op: 'set', path: '/open', value: open },
      { op: 'incr', path: '/epoch', value: 1 },
      { op: 'set', path: '/changedAt', value: at },
      { op: 'set', path: '/updatedAt', value: at },
      { op: 'set', path: '/reason', value: reason ?? '' },
    ];
    try {
      await this.container.item(dispatchGateId(groupId), environmentId).patch(operations);
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
      // no gate yet: one is made in the wanted state (at epoch 1, so that a claim that read "no gate" cannot confirm)
      if (!(await this.#createIfMissing(environmentId, groupId, open, reason, 1))) await this.#move(environmentId, groupId, open, reason);
    }
  }

  /** false when another writer created it first */
  async #createIfMissing(environmentId: string, groupId: string, open: boolean, reason: string | undefined, epoch = 0): Promise<boolean> {
    const at = this.now().toISOString();
    const doc: GateDocument = {
      id: dispatchGateId(groupId),
      environmentId,
      type: TYPE,
      groupId,
      open,
      epoch,
      dispatched: 0,
      reason: reason ?? '',
      changedAt: at,
      createdAt: at,
      updatedAt: at,
    };
    try {
      await this.container.items.create(doc);
      return true;
    } catch (err) {
      if (statusOf(err) === 409) return false;
      throw err;
    }
  }
}
