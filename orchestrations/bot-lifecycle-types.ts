/** Timings a bot lifecycle runs with; passed in its input so the orchestrator reads no settings itself. */
export interface BotTimings {
  /** how long an idle bot waits for a Work event before trying to claim again */
  idlePollSeconds: number;
  /** how often a busy bot's agent heartbeat is checked */
  healthCheckSeconds: number;
  provisionMaxAttempts: number;
  /** back-off before provisioning attempt n+1: base × 2^(n-1), capped */
  provisionBackoffBaseSeconds: number;
  provisionBackoffMaxSeconds: number;
}

export type BotPhase = 'provision' | 'serve' | 'busy' | 'teardown';

export interface BotLifecycleInput {
  environmentId: string;
  groupId: string;
  botId: string;
  phase: BotPhase;
  timings: BotTimings;
  /** set when a drain was asked while busy: after the run, the bot reprovisions (image change) or goes */
  pendingDrain?: 'reprovision' | 'teardown';
  /** why the bot is being torn down, for its record */
  reason?: string;
  /** consecutive restarts of the current phase after an activity failed for good (see restartDelaySeconds) */
  restarts?: number;
}

export interface BotRef {
  environmentId: string;
  groupId: string;
  botId: string;
}

export type ClaimResult = { runId: string } | { none: string; release?: string; drain?: 'reprovision' };

export type ProvisionOutcome = { ok: true } | { ok: false; retryable: boolean; reason: string };

export type HealthResult = { healthy: true; runEnded?: boolean } | { healthy: false; reason: string };

export interface DrainSignal {
  mode: 'reprovision' | 'teardown';
  reason: string;
}
