import type { StoredDocument } from '../store/document-store.js';

export const MAX_FLOW_STEPS = 500;

export type FlowStep =
  | { wait: { ms: number } }
  | { output: { name: string; value: string } }
  | { fail: { message: string } };

/** A registered desktop flow: the definition a bot's agent executes. A run keeps the definition it was submitted with. */
export interface DesktopFlowDocument extends StoredDocument {
  type: 'desktopFlow';
  name: string;
  definition: { steps: FlowStep[] };
  ownerId: string;
}
