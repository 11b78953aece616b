/** Runs of one group that are waiting (Queued) or on a bot (Running). */
export interface GroupRunCounts {
  running: number;
  queued: number;
  /** of the queued runs, those of priority High */
  queuedHigh: number;
}

/**
 * The port the group views read run counts through, declared where it is consumed. The runs themselves
 * (and the adapter's container) belong to the runs feature; group lists only need the counts.
 */
export interface RunCounts {
  /** counts per group id (of `groupIds`) of one environment; groups without queued or running runs are absent */
  countsFor(environmentId: string, groupIds: readonly string[]): Promise<Record<string, GroupRunCounts>>;
  /** queued and running runs of the whole environment, whatever their group (one index-only COUNT) */
  unfinishedTotal(environmentId: string): Promise<number>;
}

export const NO_RUNS: GroupRunCounts = Object.freeze({ running: 0, queued: 0, queuedHigh: 0 });
