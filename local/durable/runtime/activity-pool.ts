import { workItemKey, type WorkItem } from '../store/work-item-store.js';

const RETRY_AFTER_ERROR_MS = 1_000;

/** Runs scheduled activities, at most `limit` at once, each work item once per process. */
export class ActivityPool {
  readonly #queue: WorkItem[] = [];
  readonly #known = new Set<string>();
  readonly #idle: Array<() => void> = [];
  #active = 0;
  #stopping = false;

  constructor(
    private readonly run: (item: WorkItem) => Promise<void>,
    private readonly limit: number,
    private readonly log: (line: string) => void,
  ) {}

  enqueue(item: WorkItem): void {
    const key = workItemKey(item);
    if (this.#stopping || this.#known.has(key)) return;
    this.#known.add(key);
    this.#queue.push(item);
    this.#pump();
  }

  #pump(): void {
    while (!this.#stopping && this.#active < this.limit) {
      const item = this.#queue.shift();
      if (!item) break;
      this.#active++;
      void this.#execute(item);
    }
  }

  async #execute(item: WorkItem): Promise<void> {
    const key = workItemKey(item);
    try {
      await this.run(item);
      this.#known.delete(key);
    } catch (err) {
      // The work item is still stored; storage trouble is retried, as a restart would.
      this.log(`activity ${item.name} for ${item.instanceId}: ${err instanceof Error ? err.message : String(err)}; retrying`);
      setTimeout(() => {
        this.#known.delete(key);
        this.enqueue(item);
      }, RETRY_AFTER_ERROR_MS).unref();
    } finally {
      this.#active--;
      this.#pump();
      if (this.#active === 0) this.#idle.splice(0).forEach((resolve) => resolve());
    }
  }

  async stop(graceMs: number): Promise<void> {
    this.#stopping = true;
    this.#queue.length = 0;
    if (this.#active === 0) return;
    await Promise.race([new Promise<void>((resolve) => this.#idle.push(resolve)), new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
  }
}
