import type { StoredDocument } from './stored-document.js';

/** One decision of the environment controller about a group, with its reason: what `.../scaling` serves. */
export interface ScalingDecisionDocument extends StoredDocument {
  type: 'scalingDecision';
  groupId: string;
  /** when the controller decided */
  at: string;
  action: 'create' | 'release' | 'drain' | 'none';
  /** bots concerned (ids), or how many to create */
  botIds: string[];
  count: number;
  /** stable machine-readable reason, the planner's reasons (domain/planner/reasons.ts), e.g. `demand`, `committed`, `idle-timeout`, `handover` */
  reason: string;
  detail: string;
}
