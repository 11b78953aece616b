import { beforeEach, describe, expect, it } from 'vitest';
import type { EnvironmentDocument } from '../../../../domain/environment.js';
import { createGroup } from '../../../../app/groups/create-group.js';
import { deleteGroup, updateGroup } from '../../../../app/groups/update-group.js';
import { StalePreconditionError } from '../../../../app/ports/document-store.js';
import {
  BUILT_IN_IMAGE,
  ENV,
  NOW,
  seedEnvironment,
  seedMember,
  useCasePorts,
  userPrincipal,
  type UseCasePorts,
} from '../../../support/fakes/use-case-ports.js';
import { dispatchChangePortsOf } from '../../../support/fakes/dispatch-change-ports.js';

const admin = userPrincipal('admin', 'Admin');
const input = { name: 'Invoices', maxBots: 2, committedBots: 1, imageId: BUILT_IN_IMAGE, account: { username: 'rpa-runner', password: 'Val1d-Passw0rd!' } };

let ports: UseCasePorts;
let deps: ReturnType<typeof dispatchChangePortsOf>;

async function ledger(): Promise<EnvironmentDocument['ledger']['groups']> {
  return (await ports.store.get<EnvironmentDocument>(ENV, ENV))?.ledger.groups ?? {};
}

beforeEach(async () => {
  ports = useCasePorts();
  deps = dispatchChangePortsOf(ports);
  await seedEnvironment(ports.store);
  await seedMember(ports.store, 'admin', ['SystemAdministrator']);
});

describe('updateGroup and deleteGroup keep the ledger equal to the groups', () => {
  it('resizes the group and its ledger entry', async () => {
    const { group } = await createGroup(deps, admin, ENV, input);
    const { group: saved } = await updateGroup(deps, admin, ENV, group.id, { committedBots: 2 }, group.etag);
    expect(saved.committedBots).toBe(2);
    expect((await ledger())[group.id]).toMatchObject({ committedBots: 2, maxBots: 2 });
  });

  it('refuses a stale If-Match (412) and changes nothing', async () => {
    const { group } = await createGroup(deps, admin, ENV, input);
    await expect(updateGroup(deps, admin, ENV, group.id, { committedBots: 2 }, '"stale"')).rejects.toMatchObject({ code: 'PreconditionFailed' });
    expect((await ledger())[group.id]).toMatchObject({ committedBots: 1 });
  });

  it('moves the ledger entry back when the document write loses a race', async () => {
    const { group } = await createGroup(deps, admin, ENV, input);
    const replace = ports.store.replace.bind(ports.store);
    ports.store.replace = async (doc, etag) => {
      if (doc.type === 'group') throw new StalePreconditionError(doc.id);
      return replace(doc, etag);
    };
    await expect(updateGroup(deps, admin, ENV, group.id, { committedBots: 2 }, undefined)).rejects.toMatchObject({ code: 'PreconditionFailed' });
    expect((await ledger())[group.id]).toEqual({ name: 'Invoices', committedBots: 1, maxBots: 2, reservedAt: NOW, imageId: BUILT_IN_IMAGE });
  });

  it('removes the document, the ledger entry, the queue and the secret', async () => {
    const { group } = await createGroup(deps, admin, ENV, input);
    await deleteGroup(deps, admin, ENV, group.id, group.etag);
    expect(await ports.store.get(ENV, group.id)).toBeUndefined();
    expect(await ledger()).toEqual({});
    expect(ports.secrets.names()).toEqual([]);
    expect(ports.queues.existing.size).toBe(0);
  });

  it('answers 404 to a delete by a member who may not see the group, and keeps it', async () => {
    const { group } = await createGroup(deps, admin, ENV, input);
    await seedMember(ports.store, 'basic', ['BasicUser']);
    await expect(deleteGroup(deps, userPrincipal('basic'), ENV, group.id, group.etag)).rejects.toMatchObject({ code: 'NotFound' });
    expect(await ports.store.get(ENV, group.id)).toBeDefined();
  });
});
