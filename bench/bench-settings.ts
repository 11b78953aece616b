/** 31 February: a valid NCRONTAB that never fires */
const NEVER = '0 0 0 31 2 *';

/**
 * The local cloud of the cost and scale benches: no maintenance sweep (the cost bench runs the run-deadline sweep
 * itself) and no controller safety timer (their requests would land in the counts; a submit or a finish still wakes the controller), no rate limit on the one caller, no idle
 * release of the bench's own bots, and room for a deep queue in one group.
 */
export const BENCH_CLOUD_SETTINGS: Record<string, string> = {
  RATE_LIMIT_PER_MINUTE: '1000000',
  CONTROLLER_INTERVAL_SECONDS: '3600',
  BOT_IDLE_TIMEOUT_SECONDS: '86400',
  MAX_QUEUED_RUNS_PER_GROUP: '1000000',
  INACTIVE_GROUP_CLEANUP_SCHEDULE: NEVER,
  ORPHAN_SWEEP_SCHEDULE: NEVER,
  STUCK_RUN_SWEEP_SCHEDULE: NEVER,
  RUN_DEADLINE_SWEEP_SCHEDULE: NEVER,
  CALLBACK_SWEEP_SCHEDULE: NEVER,
};
