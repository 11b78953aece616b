/** Runs of one group that are waiting (Queued) or on a bot (Running). */
export interface GroupRunCounts {
  running: number;
  queued: number;
  /** of the queued runs, those of priority High */
  queuedHigh: number;
  /** the queue time of the first queued run in dispatch order, when the counts read it (the planning round's oldest run) */
  oldestQueuedAt?: string;
}

/**
 * The port run counts are read through: by the group views, the planning round, dispatch changes and the group
 * history. It sits with the runs it counts, below all of them in app/'s order (docs/architecture.md).
 */
export interface RunCounts {
  /**
   * counts per group id (of `groupIds`) of one environment; groups without queued or running runs are absent.
   * `unfinished`: the environment's `unfinishedTotal` when the caller read it already (the planning round reads it
   * beside its lists, so that it is not a round trip of its own); 0 answers at once.
   */
  countsFor(environmentId: string, groupIds: readonly string[], unfinished?: number): Promise<Record<string, GroupRunCounts>>;
  /** queued and running runs of the whole environment, whatever their group (one index-only COUNT) */
  unfinishedTotal(environmentId: string): Promise<number>;
}

export const NO_RUNS: GroupRunCounts = Object.freeze({ running: 0, queued: 0, queuedHigh: 0 });
