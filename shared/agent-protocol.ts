/** A step of the reference agent's flow language (the run's definition as the agent executes it). */
export type FlowStep = { wait: { ms: number } } | { output: { name: string; value: string } } | { fail: { message: string } };

/**
 * The agent surface of the control plane (`/api/agent/...`): the one module both the routes and the agent import.
 * Every call carries the bot's own credential as a bearer token.
 */
export interface HeartbeatRequest {
  /** the run the agent is executing, if any */
  runId?: string;
  agentVersion?: string;
}

export interface AssignedRun {
  runId: string;
  /** what to execute; sent until the agent's heartbeat reports this run as the one it executes, then left out */
  definition?: { steps: FlowStep[] };
  inputs: Record<string, unknown>;
  timeoutMinutes: number;
}

export interface HeartbeatResponse {
  botId: string;
  /** the run this bot must execute, when its lifecycle has claimed one */
  assignedRun?: AssignedRun;
  /** the run the agent reported was cancelled: stop it and finish it as Cancelled */
  cancelRequested: boolean;
  /** how long to wait before the next heartbeat */
  nextHeartbeatMs: number;
}

export interface FinishRequest {
  outcome: 'Succeeded' | 'Failed' | 'Cancelled';
  outputs?: Record<string, string>;
  error?: { code: string; message: string };
  durationMs?: number;
}

export const AGENT_PATHS = {
  heartbeat: 'agent/heartbeat',
  finish: (runId: string) => `agent/runs/${runId}/finish`,
} as const;
