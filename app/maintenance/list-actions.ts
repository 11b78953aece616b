import type { Principal } from '../../domain/principal.js';
import { canManageEnvironment } from '../../domain/access-rules.js';
import { MAINTENANCE_ACTION, type MaintenanceActionDocument } from '../../domain/maintenance.js';
import { AppError } from '../../domain/errors/app-error.js';
import type { DocumentStore, Page, Versioned } from '../ports/document-store.js';
import { loadEnvironmentContext } from '../environments/environment-context.js';
import { readPage } from '../paging/paged-list.js';

/** The caller's environment and membership, and the action log in the bots container. */
export type MaintenanceLogPorts = Parameters<typeof loadEnvironmentContext>[0] & { botStore: Pick<DocumentStore, 'list'> };

/** What the maintenance timers did in an environment, newest first, paged (SystemAdministrators). */
export async function listMaintenanceActions(
  deps: MaintenanceLogPorts,
  principal: Principal,
  environmentId: string,
  page: { pageSize: number; continuationToken?: string },
): Promise<Page<Versioned<MaintenanceActionDocument>>> {
  const ctx = await loadEnvironmentContext(deps, environmentId, principal);
  if (!canManageEnvironment(ctx.member)) throw AppError.forbidden('Only a SystemAdministrator may read the maintenance log.');
  return readPage(page.continuationToken, () =>
    deps.botStore.list<MaintenanceActionDocument>(ctx.env.id, MAINTENANCE_ACTION, {
      orderBy: 'at',
      descending: true,
      pageSize: page.pageSize,
      continuationToken: page.continuationToken,
    }),
  );
}
