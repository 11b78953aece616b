import type { GateState } from '../../domain/dispatch-gate.js';

/**
 * The dispatch gate of each group, consumed by the claim and by every change that stops dispatch (maintenance on,
 * hostedRpaEnabled off, the group deleted or soft-deleted). Closing comes before the change is written and opening
 * after it, so a run assigned under an open gate whose epoch held across the assignment was assigned before the
 * change: the claim's `confirm` is a conditional write on the gate, linearizable with `close`.
 */
export interface DispatchGates {
  /** undefined: the group has no gate yet (created before gates existed): it is read as open at epoch 0 */
  read(environmentId: string, groupId: string): Promise<GateState | undefined>;
  close(environmentId: string, groupId: string, reason: string): Promise<void>;
  open(environmentId: string, groupId: string): Promise<void>;
  /** true when the gate is still open at `epoch` (and counts the assignment); false when it closed or moved on */
  confirm(environmentId: string, groupId: string, epoch: number): Promise<boolean>;
  remove(environmentId: string, groupId: string): Promise<void>;
}
