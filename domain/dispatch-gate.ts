import type { EnvironmentDocument } from './environment.js';
import type { GroupDocument } from './group.js';

/**
 * Whether runs of a group may be assigned to bots: the environment's switch is on, the group is active and not in
 * maintenance. A group's dispatch gate (see DispatchGates) is open exactly while this holds; a claim assigns a run
 * only under an open gate whose epoch did not change between the claim's read and its assignment.
 */
export function mayDispatch(env: Pick<EnvironmentDocument, 'hostedRpaEnabled'>, group: Pick<GroupDocument, 'status' | 'maintenance'>): boolean {
  return env.hostedRpaEnabled && group.status === 'active' && !group.maintenance;
}

/** What a claim read of a gate: open or not, and its epoch (every close and every open moves it on). */
export interface GateState {
  open: boolean;
  epoch: number;
  /** when it last opened or closed (ISO 8601) */
  changedAt?: string;
}

export const dispatchGateId = (groupId: string) => `gate-${groupId}`;
