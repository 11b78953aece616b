import type { Services } from '../../composition/services.js';
import { MAINTENANCE_ACTION, type MaintenanceActionDocument } from '../../domain/maintenance.js';

export type MaintenanceAction = Omit<MaintenanceActionDocument, 'id' | 'type' | 'at' | 'createdAt' | 'updatedAt'>;

/** Records what a sweep did (in the `bots` container, beside the controller's scaling decisions) and answers it. */
export async function recordMaintenanceAction(deps: Services, action: MaintenanceAction): Promise<MaintenanceActionDocument> {
  const at = deps.now().toISOString();
  const doc: MaintenanceActionDocument = { ...action, id: deps.newId(), type: MAINTENANCE_ACTION, at, createdAt: at, updatedAt: at };
  await deps.botStore.create(doc);
  return doc;
}
