import { OCCUPYING_STATES, type BotState } from '../domain/planner/index.js';
import type { RunPriority } from '../domain/run.js';
import { PRODUCT_BOT_TIMINGS, PRODUCT_CONFIG } from './product-settings.js';

/**
 * What a simulation is made of: a workload trace (groups, runs, an SLA per run) and the platform settings it
 * runs with. Times are virtual milliseconds since the epoch; nothing here reads a clock.
 */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export interface TraceGroup {
  id: string;
  maxBots: number;
  committedBots: number;
  /** the group's service level (PRODUCT.md, "Service level per group") */
  serviceLevel?: { targetWaitMinutes?: number; minUtilization?: number };
  /** committed bots for a period (virtual ms) */
  capacitySchedule?: Array<{ from: number; to: number; committedBots: number }>;
}

export interface TraceRun {
  id: string;
  groupId: string;
  queuedAt: number;
  priority: RunPriority;
  /** how long the desktop flow runs once a bot starts it */
  durationMs: number;
  /** the run meets its SLA when it has ended by then */
  slaAt: number;
  /** the desktop flow it runs (its typical duration is learned per flow); the group's id when absent */
  flowId?: string;
}

export interface Trace {
  name: string;
  description: string;
  /** in words, for the report: what "past its SLA" means on this trace */
  sla: string;
  capacity: number;
  groups: TraceGroup[];
  /** sorted by queuedAt */
  runs: TraceRun[];
  start: number;
  /** the simulation stops here; bot-minutes are counted up to it */
  horizon: number;
  /** the trace's own platform (provisioning time distribution, failures), over the experiment's */
  platform?: Partial<PlatformSettings>;
  /** capacity errors: while one lasts every provisioning attempt fails with AllocationFailed after `allocationFailureMs` */
  outages?: Array<{ from: number; to: number }>;
  /** true: no policy setting was tuned on this trace (held out) */
  heldOut?: boolean;
  /** the generator's parameters, for the report */
  parameters?: Record<string, unknown>;
}

/** The platform the policies run on: the same for every policy. */
export interface PlatformSettings {
  /** mean time a bot takes to provision (ms) */
  provisionMs: number;
  /** ± this fraction of provisionMs, uniformly */
  provisionJitter: number;
  /** probability that one provisioning attempt fails */
  failureRate: number;
  /** when set, provisioning time is log-normal with median provisionMs and this sigma (provisionJitter is then ignored) */
  provisionSigma?: number;
  /** how soon an attempt fails with AllocationFailed during a capacity outage */
  allocationFailureMs?: number;
  /** attempts before a bot ends Failed (the bot lifecycle's provisionMaxAttempts) */
  provisionMaxAttempts: number;
  /** back-off before attempt n+1: base × 2^(n-1), capped (the bot lifecycle's) */
  provisionBackoffBaseMs: number;
  provisionBackoffMaxMs: number;
  /** how long a released bot is Deprovisioning (it holds no slot meanwhile) */
  teardownMs: number;
  /** QUEUED_RUN_TIMEOUT_MINUTES */
  queuedRunTimeoutMinutes: number;
}

/**
 * Provisioning time, jitter, failures and teardown are assumptions about the cloud; the retries and the queued-run
 * timeout are the product's defaults (the bot lifecycle's timings and QUEUED_RUN_TIMEOUT_MINUTES).
 */
export const DEFAULT_PLATFORM: PlatformSettings = {
  provisionMs: 10 * MINUTE,
  provisionJitter: 0.2,
  failureRate: 0.05,
  provisionMaxAttempts: PRODUCT_BOT_TIMINGS.provisionMaxAttempts,
  provisionBackoffBaseMs: PRODUCT_BOT_TIMINGS.provisionBackoffBaseSeconds * 1000,
  provisionBackoffMaxMs: PRODUCT_BOT_TIMINGS.provisionBackoffMaxSeconds * 1000,
  teardownMs: MINUTE,
  queuedRunTimeoutMinutes: PRODUCT_CONFIG.QUEUED_RUN_TIMEOUT_MINUTES,
};

/**
 * The back-off before attempt `attempt + 1` after a failed attempt: base × 2^(attempt-1), capped, as the bot
 * lifecycle waits (orchestrations/bot-lifecycle.ts, which keeps its own copy of the formula).
 */
export function provisionBackoffMs(platform: Pick<PlatformSettings, 'provisionBackoffBaseMs' | 'provisionBackoffMaxMs'>, attempt: number): number {
  return Math.min(platform.provisionBackoffBaseMs * 2 ** (attempt - 1), platform.provisionBackoffMaxMs);
}

/** The bot states of the product (Deprovisioning holds no slot; Deleted and Failed are gone). */
type SimBotState = BotState;

export interface SimBot {
  id: string;
  groupId: string;
  state: SimBotState;
  /** when it entered its state (for a Ready bot: when it went idle) */
  since: number;
  createdAt: number;
  /** the ordinal of the bot in its group: the key of its provisioning luck */
  ordinal: number;
  attempt: number;
  /** when it first became Ready (its provisioning time is readyAt − createdAt, retries included) */
  readyAt?: number;
  runId?: string;
  runsServed: number;
  /** a release asked while it was provisioning or busy: acted on at its next claim */
  releaseRequested?: string;
}

export type RunOutcome = 'Succeeded' | 'TimedOut';

export interface SimRun extends TraceRun {
  state: 'Queued' | 'Running' | RunOutcome;
  startedAt?: number;
  endedAt?: number;
  botId?: string;
  /** the expected start the project's policy computed when the run was queued (simulator/estimates.ts) */
  expectedStartAt?: number;
}

/** Holds a slot of the environment's parallel limit: the planner's own rule, for every policy. */
export function holdsSlot(state: SimBotState): boolean {
  return OCCUPYING_STATES.includes(state);
}
