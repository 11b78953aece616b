import { beforeEach, describe, expect, it } from 'vitest';
import type { Membership } from '../../../../domain/access-rules.js';
import type { CredentialDocument } from '../../../../domain/credential.js';
import type { EnvironmentDocument } from '../../../../domain/environment.js';
import { createCredential } from '../../../../app/connections/credentials.js';
import { prepareAccountRotation } from '../../../../app/groups/rotate-account.js';
import { ENV, seedEnvironment, seedGroup, seedMember, useCasePorts, userPrincipal, type UseCasePorts } from '../../../support/fakes/use-case-ports.js';

const G1 = '55555555-5555-4555-8555-000000000001';
const OLD = 'Old-Passw0rd!';
const NEW = 'New-Passw0rd!';
const owner: Membership = { userId: 'owner', roles: ['EnvironmentMaker'], active: true };

let ports: UseCasePorts;
let env: EnvironmentDocument;

beforeEach(async () => {
  ports = useCasePorts();
  env = await seedEnvironment(ports.store);
  await seedMember(ports.store, 'owner', ['EnvironmentMaker']);
  await seedMember(ports.store, 'other', ['EnvironmentMaker']);
});

describe('prepareAccountRotation', () => {
  it("writes the new password as a new version of the group's secret; the account version goes up by one", async () => {
    const group = await seedGroup(ports, G1, OLD);
    const { account } = await prepareAccountRotation(ports, env, owner, group, { password: NEW });
    expect(account).toMatchObject({ username: 'rpa-runner', version: 2, password: { name: group.account.password.name, version: '2' } });
    expect(await ports.secrets.get(account.password)).toBe(NEW);
    expect(await ports.secrets.get(group.account.password)).toBe(OLD);
  });

  it('after the group is saved, rotates the named credential and records that it matches the new version', async () => {
    const group = await seedGroup(ports, G1, OLD);
    const { credential } = await createCredential(ports, userPrincipal('owner'), ENV, { name: 'k', username: 'rpa-runner', password: OLD });
    const rotation = await prepareAccountRotation(ports, env, owner, group, { password: NEW, credentialId: credential.id });
    await rotation.afterSave({ ...group, account: rotation.account });
    const rotated = await ports.store.get<CredentialDocument>(ENV, credential.id);
    expect(rotated?.matches).toEqual({ [G1]: 2 });
    if (rotated?.secret.source !== 'secretStore') throw new Error('unreachable');
    expect(await ports.secrets.get(rotated.secret.ref)).toBe(NEW);
  });

  it('refuses a credential the caller may not rotate before writing any secret (404 for one it cannot see)', async () => {
    const group = await seedGroup(ports, G1, OLD);
    const { credential } = await createCredential(ports, userPrincipal('other'), ENV, { name: 'k', username: 'rpa-runner', password: OLD });
    await expect(prepareAccountRotation(ports, env, owner, group, { password: NEW, credentialId: credential.id })).rejects.toMatchObject({ code: 'NotFound' });
    expect(await ports.secrets.get({ name: group.account.password.name })).toBe(OLD);
  });
});
