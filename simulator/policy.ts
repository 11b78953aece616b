import type { World } from './world.js';

/** What happened in the world, for policies that react to events rather than (only) poll. */
export type WorldEvent = 'run-queued' | 'run-ended' | 'bot-ready' | 'bot-failed' | 'bot-gone';

/**
 * A scaling policy behind the simulator: how many bots each group gets and which go. Every policy runs on the
 * same platform (the same bots, provisioning luck, queues and dispatch rule); only this differs.
 */
export interface ScalingPolicy {
  /** a short id (json keys, file names) */
  readonly name: string;
  /** for tables and charts */
  readonly label: string;
  /** its own check: every this many ms */
  readonly intervalMs: number;
  /** true: the timer restarts after every decision (a controller's safety timer); false: a fixed period */
  readonly timerRestarts: boolean;
  /** true: a run that arrives is taken at once by an idle bot of its group (an agent listening on the queue) */
  readonly dispatchOnArrival: boolean;
  /** true: a bot whose run ended waits for the policy to decide before it claims its next run */
  readonly decideBeforeReclaim: boolean;
  /** the events that make it decide at once, besides its timer */
  wakesOn(event: WorldEvent): boolean;
  /** looks at the world and acts on it (create and release bots) */
  decide(world: World): void;
}
