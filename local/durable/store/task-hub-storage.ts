import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { PayloadStore } from './payload-store.js';

/** The tables and the blob container of one task hub, named after it as the Azure Storage provider does. */
export interface TaskHubStorage {
  instances: TableClient;
  history: TableClient;
  inbox: TableClient;
  workItems: TableClient;
  payloads: PayloadStore;
}

export async function openTaskHubStorage(connectionString: string, taskHub: string): Promise<TaskHubStorage> {
  // Azurite serves plain HTTP; against Azure the connection string is https and this flag is inert.
  const table = (suffix: string) => TableClient.fromConnectionString(connectionString, `${taskHub}${suffix}`, { allowInsecureConnection: true });
  const storage: TaskHubStorage = {
    instances: table('Instances'),
    history: table('History'),
    inbox: table('Inbox'),
    workItems: table('WorkItems'),
    payloads: new PayloadStore(BlobServiceClient.fromConnectionString(connectionString).getContainerClient(`${taskHub.toLowerCase()}-largemessages`)),
  };
  // createTable ignores "already exists".
  await Promise.all([storage.instances, storage.history, storage.inbox, storage.workItems].map((t) => t.createTable()));
  await storage.payloads.ensureContainer();
  return storage;
}
