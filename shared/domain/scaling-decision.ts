import type { StoredDocument } from '../store/document-store.js';

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
  /** stable machine-readable reason, e.g. `RunsWaiting`, `GroupAtMaxBots`, `CapacityExhausted` */
  reason: string;
  detail: string;
}
