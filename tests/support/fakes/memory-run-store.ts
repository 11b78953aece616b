import type { RunDocument } from '../../../domain/run.js';
import type { RunFilter, RunQueries, RunStore } from '../../../app/runs/run-store.js';
import type { Page, Versioned } from '../../../app/ports/document-store.js';
import { MemoryDocumentStore } from './memory-document-store.js';

const ENDED: readonly RunDocument['state'][] = ['Succeeded', 'Failed', 'Cancelled', 'TimedOut'];

/**
 * The runs container in memory: documents in a MemoryDocumentStore, the queries computed over them, one page each.
 * `searches` records every filter `search` was asked, so that a test sees the visibility it was given.
 */
export class MemoryRunStore implements RunStore {
  readonly docs = new MemoryDocumentStore();
  readonly searches: RunFilter[] = [];
  readonly queries: RunQueries = {
    nextQueued: async (environmentId, groupId, top) => (await this.#queued(environmentId, groupId)).slice(0, top),
    queuedCount: async (environmentId, groupId) => (await this.#queued(environmentId, groupId)).length,
    runningOn: async (environmentId, groupId, botId) =>
      (await this.#runs(environmentId)).find((r) => r.groupId === groupId && r.state === 'Running' && r.botId === botId),
    active: async (environmentId, groupId) => {
      const runs = (await this.#runs(environmentId)).filter((r) => r.groupId === groupId);
      return this.#page([...runs.filter((r) => r.state === 'Running'), ...(await this.#queued(environmentId, groupId))]);
    },
    unfinished: async (environmentId) => this.#page((await this.#runs(environmentId)).filter((r) => !ENDED.includes(r.state))),
    pendingCallbacks: async (environmentId) =>
      this.#page((await this.#runs(environmentId)).filter((r) => ENDED.includes(r.state) && r.callback?.state === 'Pending')),
    ended: async (environmentId, groupId) =>
      this.#page(
        (await this.#runs(environmentId))
          .filter((r) => r.groupId === groupId && ENDED.includes(r.state))
          .sort((a, b) => (b.endedAt ?? '').localeCompare(a.endedAt ?? '')),
      ),
    search: async (environmentId, filter) => {
      this.searches.push(filter);
      const visible = (r: RunDocument) => !filter.visibleTo || filter.visibleTo.groupIds.includes(r.groupId) || r.submittedBy === filter.visibleTo.userId;
      const runs = (await this.#runs(environmentId)).filter(
        (r) =>
          visible(r) &&
          (filter.state === undefined || r.state === filter.state) &&
          (filter.groupId === undefined || r.groupId === filter.groupId) &&
          (filter.desktopFlowId === undefined || r.desktopFlowId === filter.desktopFlowId) &&
          (filter.submittedBy === undefined || r.submittedBy === filter.submittedBy),
      );
      return this.#page(runs.sort((a, b) => b.queuedAt.localeCompare(a.queuedAt)));
    },
  };

  async #runs(environmentId: string): Promise<Versioned<RunDocument>[]> {
    return (await this.docs.list<RunDocument>(environmentId, 'run')).items;
  }

  async #queued(environmentId: string, groupId: string): Promise<Versioned<RunDocument>[]> {
    const runs = await this.#runs(environmentId);
    return runs.filter((r) => r.groupId === groupId && r.state === 'Queued').sort((a, b) => a.dispatchKey.localeCompare(b.dispatchKey));
  }

  #page(items: Versioned<RunDocument>[]): Page<Versioned<RunDocument>> {
    return { items };
  }
}
