import { beforeEach, describe, expect, it } from 'vitest';
import { memberDocumentId, type EnvironmentDocument, type MemberDocument } from '../../../domain/environment.js';
import { getMe, listEnvironments } from '../../../app/me.js';
import { MemoryEnvironmentDirectory } from '../../support/fakes/memory-environment-directory.js';
import { ENV, seedEnvironment, seedMember, useCasePorts, userPrincipal, type UseCasePorts } from '../../support/fakes/use-case-ports.js';

const OTHER_ENV = '88888888-8888-4888-8888-888888888888';

let ports: UseCasePorts & { directory: MemoryEnvironmentDirectory };

beforeEach(async () => {
  const base = useCasePorts();
  ports = { ...base, directory: new MemoryEnvironmentDirectory(base.store) };
  const env = await seedEnvironment(ports.store);
  await ports.store.create<EnvironmentDocument>({ ...env, id: OTHER_ENV, environmentId: OTHER_ENV, name: 'Other' });
  await seedMember(ports.store, 'maker', ['EnvironmentMaker']);
});

describe('getMe', () => {
  it("answers the caller and its environments with its roles, and records its token's name on its member documents", async () => {
    const me = await getMe(ports, userPrincipal('maker', 'Max Maker'));
    expect(me).toMatchObject({
      id: 'maker',
      name: 'Max Maker',
      platformAdmin: false,
      environments: [{ id: ENV, name: 'Env', roles: ['EnvironmentMaker'] }],
      environmentsTruncated: false,
    });
    expect((await ports.store.get<MemberDocument>(ENV, memberDocumentId('maker')))?.name).toBe('Max Maker');
  });

  it('leaves out environments where the caller was deactivated', async () => {
    await seedMember(ports.store, 'gone', ['SystemAdministrator'], { active: false });
    expect((await getMe(ports, userPrincipal('gone'))).environments).toEqual([]);
  });

  it('still answers when recording the name fails (best effort)', async () => {
    ports.store.replace = async () => {
      throw new Error('the store is down');
    };
    expect((await getMe(ports, userPrincipal('maker', 'Max Maker'))).environments).toHaveLength(1);
  });
});

describe('listEnvironments', () => {
  it('lists a member its environments, and a Platform.Admin every environment', async () => {
    expect((await listEnvironments(ports, userPrincipal('maker'), { pageSize: 10 })).items.map((e) => e.id)).toEqual([ENV]);
    const admin = { ...userPrincipal('root'), platformAdmin: true };
    expect((await listEnvironments(ports, admin, { pageSize: 10 })).items.map((e) => e.id).sort()).toEqual([ENV, OTHER_ENV].sort());
  });

  it('pages with continuation tokens, and answers 400 InvalidContinuationToken to one it did not hand out', async () => {
    const admin = { ...userPrincipal('root'), platformAdmin: true };
    const first = await listEnvironments(ports, admin, { pageSize: 1 });
    expect(first.continuationToken).toBeDefined();
    const second = await listEnvironments(ports, admin, { pageSize: 1, continuationToken: first.continuationToken });
    expect(second.continuationToken).toBeUndefined();
    await expect(listEnvironments(ports, admin, { pageSize: 1, continuationToken: 'forged' })).rejects.toMatchObject({ code: 'InvalidContinuationToken' });
  });
});
