/** Timings a bot lifecycle runs with; passed in its input so the orchestrator reads no settings itself. */
export interface BotTimings {
  /**
   * The serve phase's safety timer: a bot between provisioning and teardown re-reads its record this often even when no
   * event comes (a lost Release or Drain). Long: an idle bot costs its lifecycle two executions per period. Inputs of
   * lifecycles started before this field existed lack it (SERVE_CHECK_SECONDS then).
   */
  serveCheckSeconds?: number;
  /** how often a bot that must wait for its running run before it goes (or reprovisions) re-reads its record */
  healthCheckSeconds: number;
  provisionMaxAttempts: number;
  /** back-off before provisioning attempt n+1: base × 2^(n-1), capped */
  provisionBackoffBaseSeconds: number;
  provisionBackoffMaxSeconds: number;
}

/** `busy` is of lifecycles started before agents took dispatch over: such an input is served as `serve`. */
export type BotPhase = 'provision' | 'serve' | 'busy' | 'teardown';

export interface BotLifecycleInput {
  environmentId: string;
  groupId: string;
  botId: string;
  phase: BotPhase;
  timings: BotTimings;
  /** a drain that reached the lifecycle as an event: written on the record at the next serve round */
  pendingDrain?: 'reprovision' | 'teardown';
  /** a release that reached the lifecycle as an event (its reason): written on the record at the next serve round */
  pendingRelease?: string;
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

/** The bot as its serve phase sees it. */
export type { ServeState } from '../app/bots/serve-state.js';

export type ProvisionOutcome = { ok: true } | { ok: false; retryable: boolean; reason: string };

export interface DrainSignal {
  mode: 'reprovision' | 'teardown';
  reason: string;
}
