import { beforeEach, describe, expect, it } from 'vitest';
import type { EnvironmentDocument } from '../../../../domain/environment.js';
import type { GroupDocument } from '../../../../domain/group.js';
import type { ImageDocument } from '../../../../domain/image.js';
import { createGroup } from '../../../../app/groups/create-group.js';
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

const maker = userPrincipal('maker', 'Maker');
const input = { name: 'Invoices', maxBots: 2, committedBots: 1, imageId: BUILT_IN_IMAGE, account: { username: 'rpa-runner', password: 'Val1d-Passw0rd!' } };

let ports: UseCasePorts;

async function ledger(): Promise<EnvironmentDocument['ledger']['groups']> {
  return (await ports.store.get<EnvironmentDocument>(ENV, ENV))?.ledger.groups ?? {};
}

beforeEach(async () => {
  ports = useCasePorts();
  await seedEnvironment(ports.store);
  await seedMember(ports.store, 'maker', ['EnvironmentMaker'], { name: 'Maker' });
  await shareImageWith('maker');
});

/** The built-in image is used through a share (a maker without one may not build bots from it). */
async function shareImageWith(userId: string): Promise<void> {
  const image = await ports.store.get<ImageDocument>(ENV, BUILT_IN_IMAGE);
  await ports.store.replace({ ...image!, shares: [...image!.shares, { userId, permission: 'User' as const }] }, image!.etag);
}

describe('createGroup', () => {
  it('writes the group owned by the caller, its ledger entry, its secret and its queue', async () => {
    const view = await createGroup(ports, maker, ENV, input);
    expect(view).toMatchObject({ accessType: 'Owner', activeBots: 0, ownerName: 'Maker', runs: { running: 0, queued: 0, queuedHigh: 0 } });
    expect(view.group).toMatchObject({ name: 'Invoices', ownerId: 'maker', status: 'active', imageId: BUILT_IN_IMAGE, createdAt: NOW });
    expect(await ledger()).toEqual({ [view.group.id]: { name: 'Invoices', committedBots: 1, maxBots: 2, reservedAt: NOW, imageId: BUILT_IN_IMAGE } });
    expect(ports.queues.existing).toEqual(new Set([`group-${view.group.id}`]));
    expect(ports.secrets.latest(view.group.account.password.name)).toBe(input.account.password);
  });

  it('keeps the password out of the document: the account holds the reference only', async () => {
    const view = await createGroup(ports, maker, ENV, input);
    expect(JSON.stringify(await ports.store.get(ENV, view.group.id))).not.toContain(input.account.password);
  });

  it('refuses a caller without a maker role (403) and writes nothing', async () => {
    await seedMember(ports.store, 'basic', ['BasicUser']);
    await expect(createGroup(ports, userPrincipal('basic'), ENV, input)).rejects.toMatchObject({ code: 'Forbidden' });
    expect(ports.store.ofType(ENV, 'group')).toEqual([]);
  });

  it('answers 404 to a caller who is not a member, as for a missing environment', async () => {
    await expect(createGroup(ports, userPrincipal('stranger'), ENV, input)).rejects.toMatchObject({ code: 'NotFound' });
  });

  it('refuses committedBots above maxBots (422 CommittedExceedsMax)', async () => {
    await expect(createGroup(ports, maker, ENV, { ...input, committedBots: 3 })).rejects.toMatchObject({
      code: 'BusinessRuleViolated',
      options: { reason: 'CommittedExceedsMax' },
    });
  });

  it('refuses while hosted RPA is off in the environment', async () => {
    const env = await ports.store.get<EnvironmentDocument>(ENV, ENV);
    await ports.store.replace({ ...env!, hostedRpaEnabled: false }, env!.etag);
    await expect(createGroup(ports, maker, ENV, input)).rejects.toMatchObject({ options: { reason: 'HostedRpaDisabled' } });
  });

  it('refuses an image that does not exist, and one the caller may not see, alike (403)', async () => {
    const missing = createGroup(ports, maker, ENV, { ...input, imageId: '44444444-4444-4444-8444-444444444444' });
    await expect(missing).rejects.toMatchObject({ code: 'Forbidden', detail: expect.stringContaining('does not exist or is not shared with you') });
    await seedMember(ports.store, 'other-maker', ['EnvironmentMaker']);
    const unshared = createGroup(ports, userPrincipal('other-maker'), ENV, input);
    await expect(unshared).rejects.toMatchObject({ code: 'Forbidden', detail: expect.stringContaining('does not exist or is not shared with you') });
    expect(await ledger()).toEqual({});
  });

  it('refuses a second group of the same name (the ledger holds the names)', async () => {
    await createGroup(ports, maker, ENV, input);
    await expect(createGroup(ports, maker, ENV, input)).rejects.toMatchObject({ code: 'NameTaken' });
    expect(ports.store.ofType<GroupDocument>(ENV, 'group')).toHaveLength(1);
  });
});

describe('createGroup undoes its earlier steps when a later one fails', () => {
  it('releases the ledger entry, deletes the secret and the queue when the group document cannot be written', async () => {
    ports.store.failCreateOf = 'group';
    await expect(createGroup(ports, maker, ENV, input)).rejects.toThrow('the store is down');
    expect(await ledger()).toEqual({});
    expect(ports.secrets.names()).toEqual([]);
    expect(ports.queues.existing.size).toBe(0);
  });

  it('releases the ledger entry when the secret cannot be stored', async () => {
    ports.secrets.failSet = true;
    await expect(createGroup(ports, maker, ENV, input)).rejects.toThrow('the vault is down');
    expect(await ledger()).toEqual({});
    expect(ports.store.ofType(ENV, 'group')).toEqual([]);
  });

  it('deletes the secret when the queue cannot be created', async () => {
    ports.queues.failCreate = true;
    await expect(createGroup(ports, maker, ENV, input)).rejects.toThrow('Service Bus is down');
    expect(await ledger()).toEqual({});
    expect(ports.secrets.names()).toEqual([]);
  });
});
