import { MAINTENANCE_ACTION, type MaintenanceActionDocument } from '../../domain/maintenance.js';
import type { DocumentStore } from '../ports/document-store.js';

/** The action log lives in the bots container; each entry is stamped with the clock and a new id. */
export interface ActionLogPorts {
  botStore: Pick<DocumentStore, 'create'>;
  now(): Date;
  newId(): string;
}

export type MaintenanceAction = Omit<MaintenanceActionDocument, 'id' | 'type' | 'at' | 'createdAt' | 'updatedAt'>;

/** Records what a sweep did (in the `bots` container, beside the controller's scaling decisions) and answers it. */
export async function recordMaintenanceAction(deps: ActionLogPorts, action: MaintenanceAction): Promise<MaintenanceActionDocument> {
  const at = deps.now().toISOString();
  const doc: MaintenanceActionDocument = { ...action, id: deps.newId(), type: MAINTENANCE_ACTION, at, createdAt: at, updatedAt: at };
  await deps.botStore.create(doc);
  return doc;
}
