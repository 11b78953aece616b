import { beforeEach, describe, expect, it } from 'vitest';
import { readGroupHistory } from '../../../../app/groups/group-history-read.js';
import { MemoryDocumentStore } from '../../../support/fakes/memory-document-store.js';
import { ENV, seedEnvironment, seedGroup, seedMember, useCasePorts, userPrincipal, type UseCasePorts } from '../../../support/fakes/use-case-ports.js';

const G1 = '55555555-5555-4555-8555-000000000001';
const owner = userPrincipal('owner');
let ports: UseCasePorts & { botStore: MemoryDocumentStore };

beforeEach(async () => {
  ports = { ...useCasePorts(), botStore: new MemoryDocumentStore() };
  await seedEnvironment(ports.store);
  await seedMember(ports.store, 'owner', ['EnvironmentMaker']);
  await seedMember(ports.store, 'stranger', ['BasicUser']);
  await seedGroup(ports, G1, 'p');
});

describe('readGroupHistory', () => {
  it('answers the last 24 h by default, one point a minute, empty where no sample was taken', async () => {
    const history = await readGroupHistory(ports, owner, ENV, G1, {});
    expect(history).toMatchObject({ groupId: G1, to: ports.now().toISOString(), stepMinutes: 1 });
    expect(history.points).toHaveLength(24 * 60);
    expect(history.points[0]?.utilisation).toBeNull();
  });

  it('refuses a range that ends before it starts, or longer than history is kept (400)', async () => {
    const backwards = readGroupHistory(ports, owner, ENV, G1, { from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' });
    await expect(backwards).rejects.toMatchObject({ code: 'ValidationFailed' });
    const tooLong = readGroupHistory(ports, owner, ENV, G1, { from: '2020-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' });
    await expect(tooLong).rejects.toMatchObject({ code: 'ValidationFailed' });
  });

  it('answers 404 to a member who may not see the group', async () => {
    await expect(readGroupHistory(ports, userPrincipal('stranger'), ENV, G1, {})).rejects.toMatchObject({ code: 'NotFound' });
  });
});
