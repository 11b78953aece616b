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
 * The environment's unfinished runs (Queued and Running, every group) as one read finds them: the counts of each group
 * that has any (with its first queued run's queue time, when its dispatch key holds it).
 */
export interface UnfinishedRuns {
  byGroup: Readonly<Record<string, GroupRunCounts>>;
}

/**
 * The port run counts are read through: by the group views, the planning round, dispatch changes and the group
 * history. It sits with the runs it counts, below all of them in app/'s order (docs/architecture.md).
 */
export interface RunCounts {
  /**
   * counts per group id (of `groupIds`) of one environment; groups without queued or running runs are absent.
   * `unfinished`: the environment's `unfinishedRuns` when the caller read them already (the planning round reads them
   * beside its lists, so that they are not a round trip of their own): then nothing more is read.
   */
  countsFor(environmentId: string, groupIds: readonly string[], unfinished?: UnfinishedRuns): Promise<Record<string, GroupRunCounts>>;
  /** queued and running runs of the whole environment, whatever their group (one index-only COUNT) */
  unfinishedTotal(environmentId: string): Promise<number>;
  /** every group's counts at once */
  unfinishedRuns(environmentId: string): Promise<UnfinishedRuns>;
}

export const NO_RUNS: GroupRunCounts = Object.freeze({ running: 0, queued: 0, queuedHigh: 0 });
