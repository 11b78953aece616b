import { beforeEach, describe, expect, it } from 'vitest';
import type { MaintenanceActionDocument } from '../../../../domain/maintenance.js';
import { listMaintenanceActions } from '../../../../app/maintenance/list-actions.js';
import { MemoryDocumentStore } from '../../../support/fakes/memory-document-store.js';
import { ENV, NOW, seedEnvironment, seedMember, useCasePorts, userPrincipal, type UseCasePorts } from '../../../support/fakes/use-case-ports.js';

let ports: UseCasePorts & { botStore: MemoryDocumentStore };

const action = (id: string, at: string) =>
  ({
    id,
    environmentId: ENV,
    type: 'maintenanceAction',
    at,
    sweep: 'botLost',
    action: 'botLost',
    reason: 'r',
    detail: 'd',
    createdAt: NOW,
    updatedAt: NOW,
  }) as unknown as MaintenanceActionDocument;

beforeEach(async () => {
  ports = { ...useCasePorts(), botStore: new MemoryDocumentStore() };
  await seedEnvironment(ports.store);
  await seedMember(ports.store, 'admin', ['SystemAdministrator']);
  await seedMember(ports.store, 'maker', ['EnvironmentMaker']);
  await ports.botStore.create(action('a1', '2026-01-01T00:01:00.000Z'));
  await ports.botStore.create(action('a2', '2026-01-01T00:02:00.000Z'));
});

describe('listMaintenanceActions', () => {
  it('lists what the timers did, newest first', async () => {
    const page = await listMaintenanceActions(ports, userPrincipal('admin'), ENV, { pageSize: 50 });
    expect(page.items.map((a) => a.id)).toEqual(['a2', 'a1']);
  });

  it('is for SystemAdministrators (403 otherwise), and 404 to a non-member', async () => {
    await expect(listMaintenanceActions(ports, userPrincipal('maker'), ENV, { pageSize: 50 })).rejects.toMatchObject({ code: 'Forbidden' });
    await expect(listMaintenanceActions(ports, userPrincipal('stranger'), ENV, { pageSize: 50 })).rejects.toMatchObject({ code: 'NotFound' });
  });
});
