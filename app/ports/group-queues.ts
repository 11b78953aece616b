/**
 * The port the runs services use for each group's queue (`group-{groupId}`), declared where it is consumed.
 * The queue carries wake-ups, not runs: a message says "a run may be waiting in this group"; which run a
 * claimer takes is decided against Cosmos (see docs/queueing.md).
 */
export interface WakeUp {
  /** the run whose submission (or re-queue) sent the message; informative only */
  runId: string;
}

/** A message received under peek-lock: settle it with `complete` (done with) or `abandon` (give it back). */
export interface ReceivedWakeUp {
  /** undefined when the body is not a wake-up of this application */
  runId: string | undefined;
  /** 0 on the first delivery */
  deliveryCount: number;
  complete(): Promise<void>;
  abandon(): Promise<void>;
}

/** The group's queue does not exist (the group was deleted, or never got one). */
export class QueueNotFoundError extends Error {
  constructor(readonly queueName: string) {
    super(`The queue ${queueName} does not exist.`);
    this.name = 'QueueNotFoundError';
  }
}

export interface GroupQueues {
  queueNameOf(groupId: string): string;
  /** creates the group's queue with the properties of `infra/definitions/service-bus.json` (`groupQueue`); an existing queue is fine */
  create(groupId: string): Promise<void>;
  /** deletes the group's queue and its messages; a missing queue is fine */
  delete(groupId: string): Promise<void>;
  /** throws QueueNotFoundError when the queue does not exist */
  sendWakeUp(groupId: string, wakeUp: WakeUp): Promise<void>;
  /** the next message under peek-lock, waiting at most `maxWaitMs`; undefined when none came */
  receiveOne(groupId: string, maxWaitMs: number): Promise<ReceivedWakeUp | undefined>;
  /** active (deliverable) messages in the queue */
  depth(groupId: string): Promise<number>;
  /** closes the connections; the adapter is unusable afterwards */
  close(): Promise<void>;
}
