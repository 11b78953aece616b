import type { StepLog } from '../../protocol/agent-protocol.js';

/** How a flow ended, with the outputs gathered so far and the steps' logs (bounded, password-free). */
export type FlowOutcome =
  | { outcome: 'Succeeded'; outputs: Record<string, string>; durationMs: number; logs: StepLog[] }
  | { outcome: 'Failed'; outputs: Record<string, string>; error: { code: string; message: string }; durationMs: number; logs: StepLog[] }
  | { outcome: 'Cancelled'; outputs: Record<string, string>; durationMs: number; logs: StepLog[] };
