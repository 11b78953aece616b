/**
 * What the capacity planner reads: one environment, its groups, their bots and queues, the settings and the
 * time. Plain JSON (ISO strings for instants, counts for queues) so a planning round can be recorded and
 * replayed. See docs/scaling.md.
 */

export type BotState = 'Provisioning' | 'Ready' | 'Busy' | 'Draining' | 'Deprovisioning' | 'Deleted' | 'Failed';

/**
 * States that hold a slot of the environment's parallel limit. Deprovisioning, Deleted and Failed bots do not:
 * they are on their way out (or never came up) and will never take a run.
 */
export const OCCUPYING_STATES: readonly BotState[] = ['Provisioning', 'Ready', 'Busy', 'Draining'];

export interface PlannerBot {
  id: string;
  state: BotState;
  /** the image the bot was provisioned from; a bot of another image or version is drained and reprovisioned */
  imageId: string;
  imageVersion: string;
  /**
   * When the bot entered its current state (ISO 8601). For a Ready bot this is when it went idle, which the
   * idle timeout is measured from.
   */
  since: string;
  /**
   * A release was asked for this bot and it has not gone yet (the bot record's `releaseRequested`): a busy bot
   * leaves after its run, a provisioning one once it is up, an idle one at once. It still holds its slot until it
   * has gone, but takes no further run. Absent (not false) when no release is pending.
   */
  releaseRequested?: boolean;
}

/** The group's queue as counts: the planner needs how many runs wait and for how long, never the runs. */
export interface PlannerQueue {
  high: number;
  normal: number;
  /** when the oldest still-queued run was queued (ISO 8601); absent when nothing is queued */
  oldestQueuedAt?: string;
}

export interface PlannerGroup {
  id: string;
  status: 'active' | 'deleted';
  maxBots: number;
  committedBots: number;
  maintenance: boolean;
  /** the image (and version) new bots are created from */
  imageId: string;
  imageVersion: string;
  /**
   * The last time anything happened on the group (a run queued, started or ended; the group created or
   * edited), ISO 8601. A group idle longer than GROUP_IDLE_TEARDOWN_HOURS keeps no bots.
   */
  lastActivityAt: string;
  /** every bot of the group, in any state (the planner ignores those that hold no slot) */
  bots: PlannerBot[];
  queued: PlannerQueue;
  /**
   * The group's service level (`targetWaitMinutes`: the p95 queue wait it asks for; `minUtilization`, 0..1: the
   * least share of its bots that should be busy). Absent: the environment's default (`settings.warmQuantile`).
   */
  serviceLevel?: PlannerServiceLevel;
  /**
   * What the controller learned from the group's recent history (see `outlook.ts`): how long its bots take to
   * provision, how long its runs take, how many runs it expects within one provisioning time. Absent: the planner
   * keeps no bot warm beyond the committed ones and demand, and idle bots go after BOT_IDLE_TIMEOUT_SECONDS.
   */
  outlook?: PlannerOutlook;
  /** committed bots for a period (from, to: ISO instants), on top of `committedBots`: the highest window that covers now counts */
  capacitySchedule?: CapacityWindow[];
}

export interface PlannerServiceLevel {
  targetWaitMinutes?: number;
  minUtilization?: number;
}

export interface PlannerOutlook {
  /** learned provisioning time of the group's bots, minutes (a high percentile: the lead time a warm-up needs) */
  provisionMinutes: number;
  /** mean run duration of the group's recent runs, minutes */
  runMinutes: number;
  /** runs expected to be queued within the next `provisionMinutes` (the higher of the recent rate and the seasonal forecast) */
  expectedArrivals: number;
}

export interface CapacityWindow {
  from: string;
  to: string;
  committedBots: number;
}

export interface PlannerEnvironment {
  id: string;
  plan: 'paid' | 'trial';
  /** bots that may run in parallel across all groups (a trial plan runs at most 2 whatever this says) */
  capacity: number;
  hostedRpaEnabled: boolean;
}

export interface PlannerSettings {
  /** BOT_IDLE_TIMEOUT_SECONDS: an uncommitted bot idle this long is released */
  botIdleTimeoutSeconds: number;
  /** GROUP_IDLE_TEARDOWN_HOURS: a group idle this long keeps no bots, committed ones included */
  groupIdleTeardownHours: number;
  /**
   * For groups with an outlook and no `targetWaitMinutes`: the share of provisioning-time windows in which the warm
   * bots cover every arrival (a Poisson quantile). Absent or 0: no warm bots beyond demand for such groups.
   */
  warmQuantile?: number;
}

export interface PlannerInput {
  /** the planning instant (ISO 8601): the planner never reads a clock */
  now: string;
  environment: PlannerEnvironment;
  groups: PlannerGroup[];
  settings: PlannerSettings;
}
