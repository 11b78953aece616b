/** 31 February: a valid NCRONTAB that never fires */
export const NEVER = '0 0 0 31 2 *';

/**
 * For a local cloud whose tests fire the maintenance timers themselves, or count requests at its peers: the sweeps
 * act on every environment of the cloud, so on a schedule they would touch other tests' environments and add
 * requests of their own to any count.
 */
export const MAINTENANCE_TIMERS_OFF = {
  INACTIVE_GROUP_CLEANUP_SCHEDULE: NEVER,
  ORPHAN_SWEEP_SCHEDULE: NEVER,
  STUCK_RUN_SWEEP_SCHEDULE: NEVER,
  RUN_DEADLINE_SWEEP_SCHEDULE: NEVER,
  CALLBACK_SWEEP_SCHEDULE: NEVER,
} as const;
