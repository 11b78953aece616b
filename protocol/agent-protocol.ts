/** A step of the reference agent's flow language (the run's definition as the agent executes it). */
export type FlowStep =
  { wait: { ms: number } } | { output: { name: string; value: string } } | { fail: { message: string } } | { run: RunStep } | { powershell: PowerShellStep };

/** A process, started without a shell (docs/agent-steps.md). */
export interface RunStep {
  command: string;
  args?: string[];
  workingDirectory?: string;
  timeoutSeconds?: number;
}

/** A PowerShell script (Windows bots only), given to `powershell.exe -Command -` on stdin. */
export interface PowerShellStep {
  script: string;
  timeoutSeconds?: number;
}

/** A step's log as the agent reports it with the run's outcome (bounded, never holding the account's password). */
export interface StepLog {
  step: number;
  kind: string;
  /** the command line as started, or the step's kind for steps that start nothing */
  command?: string;
  exitCode?: number | null;
  durationMs: number;
  /** the tail of stdout and stderr, bounded */
  stdout?: string;
  stderr?: string;
  /** set when the step failed or ended early */
  error?: string;
}

/**
 * The agent surface of the control plane (`/api/agent/...`): the one module both the routes and the agent import.
 * Every call carries the bot's own credential as a bearer token.
 */
export interface HeartbeatRequest {
  /** the run the agent is executing, if any */
  runId?: string;
  agentVersion?: string;
  /**
   * Busy agents: the heartbeat may be held up to this long (at most MAX_CANCEL_WAIT_MS), answering as soon as the run
   * is cancelled or ends without the agent. That is how a cancel reaches a running step within 2 s while a busy agent
   * still calls only every 5 s.
   */
  cancelWaitMs?: number;
}

/** The longest a heartbeat is held for a cancel (under the agent's 30 s request timeout). */
export const MAX_CANCEL_WAIT_MS = 10_000;

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
  /** each executed step's log, bounded (32 KiB in all); kept on the run */
  logs?: StepLog[];
}

/** A receive-only (Listen) SAS token for the bot's group queue: the agent is a competing consumer of its wake-ups. */
export interface QueueCredentialResponse {
  fullyQualifiedNamespace: string;
  queueName: string;
  /** `SharedAccessSignature sr=…` scoped to `queueName`; give it to `AzureSASCredential`, renew before `expiresOn` */
  sasToken: string;
  /** ISO 8601 */
  expiresOn: string;
}

/** The account the run's process starts as (the run connection's); sent to the bot's own credential only. */
export interface RunAccount {
  username: string;
  password: string;
}

/** Answer of `agent/claim`: the run to execute now, or why there is none (then complete the wake-up and wait). */
export type ClaimResponse = { assignedRun: AssignedRun & { definition: { steps: FlowStep[] }; account: RunAccount }; resumed: boolean } | { none: string };

export const AGENT_PATHS = {
  heartbeat: 'agent/heartbeat',
  finish: (runId: string) => `agent/runs/${runId}/finish`,
  queueCredential: 'agent/queue-credential',
  claim: 'agent/claim',
} as const;
