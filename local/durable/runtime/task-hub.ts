import { HistoryStore } from '../store/history-store.js';
import { InboxStore } from '../store/inbox-store.js';
import { InstanceStore } from '../store/instance-store.js';
import type { TaskHubStorage } from '../store/task-hub-storage.js';
import { WorkItemStore } from '../store/work-item-store.js';

/** The task hub's stores, built once per process. */
export interface TaskHubStores {
  instances: InstanceStore;
  history: HistoryStore;
  inbox: InboxStore;
  workItems: WorkItemStore;
}

export function taskHubStores(storage: TaskHubStorage): TaskHubStores {
  return {
    instances: new InstanceStore(storage.instances, storage.payloads),
    history: new HistoryStore(storage.history, storage.payloads),
    inbox: new InboxStore(storage.inbox, storage.payloads),
    workItems: new WorkItemStore(storage.workItems, storage.payloads),
  };
}
