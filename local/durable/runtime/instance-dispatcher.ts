import type { KeyedMutex } from './keyed-mutex.js';

// Node timers hold at most ~24.8 days; long waits are re-armed (a wake with nothing due is cheap).
const MAX_TIMER_MS = 3_600_000;
const RETRY_AFTER_ERROR_MS = 1_000;

export type InstanceWork = (instanceId: string) => Promise<number | undefined>;

/**
 * Decides when each instance runs: at once when woken, or at the time of its next timer. One run per
 * instance at a time (a wake during a run runs it again afterwards), at most `limit` instances at once.
 */
export class InstanceDispatcher {
  readonly #timers = new Map<string, { at: number; handle: NodeJS.Timeout }>();
  readonly #queue: string[] = [];
  readonly #queued = new Set<string>();
  readonly #running = new Set<string>();
  readonly #again = new Set<string>();
  readonly #idle: Array<() => void> = [];
  #stopping = false;

  constructor(
    private readonly work: InstanceWork,
    private readonly locks: KeyedMutex,
    private readonly limit: number,
    private readonly log: (line: string) => void,
  ) {}

  /** Run `instanceId` at `at` (epoch ms; now or earlier: as soon as possible). */
  wake(instanceId: string, at = 0): void {
    if (this.#stopping) return;
    const delay = at - Date.now();
    if (delay <= 0) {
      this.#ready(instanceId);
      return;
    }
    const armed = this.#timers.get(instanceId);
    if (armed && armed.at <= at) return;
    if (armed) clearTimeout(armed.handle);
    const handle = setTimeout(
      () => {
        this.#timers.delete(instanceId);
        this.#ready(instanceId);
      },
      Math.min(delay, MAX_TIMER_MS),
    );
    this.#timers.set(instanceId, { at, handle });
  }

  #ready(instanceId: string): void {
    if (this.#stopping) return;
    if (this.#running.has(instanceId)) {
      this.#again.add(instanceId);
      return;
    }
    if (this.#queued.has(instanceId)) return;
    this.#queued.add(instanceId);
    this.#queue.push(instanceId);
    this.#pump();
  }

  #pump(): void {
    while (!this.#stopping && this.#running.size < this.limit) {
      const instanceId = this.#queue.shift();
      if (instanceId === undefined) break;
      this.#queued.delete(instanceId);
      this.#running.add(instanceId);
      void this.#run(instanceId);
    }
  }

  async #run(instanceId: string): Promise<void> {
    let next: number | undefined;
    try {
      next = await this.locks.run(instanceId, () => this.work(instanceId));
    } catch (err) {
      this.log(`instance ${instanceId}: processing failed, retrying: ${err instanceof Error ? err.message : String(err)}`);
      next = Date.now() + RETRY_AFTER_ERROR_MS;
    } finally {
      this.#running.delete(instanceId);
    }
    if (this.#again.delete(instanceId)) this.#ready(instanceId);
    else if (next !== undefined) this.wake(instanceId, next);
    this.#pump();
    if (this.#running.size === 0) this.#idle.splice(0).forEach((resolve) => resolve());
  }

  /** Stops taking work and waits (at most `graceMs`) for the runs in progress. */
  async stop(graceMs: number): Promise<void> {
    this.#stopping = true;
    for (const { handle } of this.#timers.values()) clearTimeout(handle);
    this.#timers.clear();
    this.#queue.length = 0;
    this.#queued.clear();
    if (this.#running.size === 0) return;
    await Promise.race([new Promise<void>((resolve) => this.#idle.push(resolve)), new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
  }
}
