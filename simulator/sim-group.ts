import { holdsSlot, type SimBot, type TraceGroup } from './model.js';
import type { GroupLoad } from './recorder.js';
import { RunQueue } from './run-queue.js';

/** One hosted machine group of the simulated environment: its settings, its queue and its bots. */
export class SimGroup {
  readonly queue = new RunQueue();
  /** bots not yet Deleted (Failed ones included, as the planner's input has them) */
  bots: SimBot[] = [];
  nextOrdinal = 0;
  lastRunStartedAt: number | undefined;
  lastRunEndedAt: number | undefined;
  lastQueuedAt: number | undefined;

  constructor(
    readonly config: TraceGroup,
    readonly createdAt: number,
  ) {}

  get id(): string {
    return this.config.id;
  }

  alive(): SimBot[] {
    return this.bots.filter((b) => holdsSlot(b.state));
  }

  inState(state: SimBot['state']): SimBot[] {
    return this.bots.filter((b) => b.state === state);
  }

  running(): number {
    return this.bots.filter((b) => b.state === 'Busy').length;
  }

  load(): GroupLoad {
    return { alive: this.alive().length, committed: this.config.committedBots, queued: this.queue.length, running: this.running() };
  }
}
