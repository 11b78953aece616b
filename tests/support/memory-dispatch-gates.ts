import type { GateState } from '../../domain/dispatch-gate.js';
import type { DispatchGates } from '../../app/runs/dispatch-gates.js';

/** Dispatch gates in memory, for unit tests of services that close and open them. */
export class MemoryDispatchGates implements DispatchGates {
  readonly gates = new Map<string, GateState & { reason?: string }>();

  async read(environmentId: string, groupId: string): Promise<GateState | undefined> {
    const gate = this.gates.get(`${environmentId}/${groupId}`);
    return gate ? { open: gate.open, epoch: gate.epoch, ...(gate.changedAt ? { changedAt: gate.changedAt } : {}) } : undefined;
  }

  async close(environmentId: string, groupId: string, reason: string): Promise<void> {
    this.#move(environmentId, groupId, false, reason);
  }

  async open(environmentId: string, groupId: string): Promise<void> {
    this.#move(environmentId, groupId, true);
  }

  async confirm(environmentId: string, groupId: string, epoch: number): Promise<boolean> {
    const gate = this.gates.get(`${environmentId}/${groupId}`) ?? { open: true, epoch: 0 };
    return gate.open && gate.epoch === epoch;
  }

  async remove(environmentId: string, groupId: string): Promise<void> {
    this.gates.delete(`${environmentId}/${groupId}`);
  }

  #move(environmentId: string, groupId: string, open: boolean, reason?: string): void {
    const key = `${environmentId}/${groupId}`;
    const epoch = (this.gates.get(key)?.epoch ?? 0) + 1;
    this.gates.set(key, { open, epoch, changedAt: new Date().toISOString(), ...(reason ? { reason } : {}) });
  }
}
