import { beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionDocument } from '../../../../domain/connection.js';
import type { Membership } from '../../../../domain/access-rules.js';
import type { EnvironmentDocument } from '../../../../domain/environment.js';
import {
  createCredential,
  credentialToRotateWith,
  deleteCredential,
  getCredential,
  listCredentials,
  setCredentialAccess,
  updateCredential,
} from '../../../../app/connections/credentials.js';
import { ENV, NOW, seedEnvironment, seedGroup, seedMember, useCasePorts, userPrincipal, type UseCasePorts } from '../../../support/fakes/use-case-ports.js';
import { TEST_KEYVAULT_URL } from '../../../support/fakes/test-config.js';

const G1 = '55555555-5555-4555-8555-000000000001';
const G2 = '55555555-5555-4555-8555-000000000002';
const owner = userPrincipal('owner');
const PASSWORD = 'Val1d-Passw0rd!';

let ports: UseCasePorts;

async function aCredential(password = PASSWORD) {
  return (await createCredential(ports, owner, ENV, { name: 'Runner', username: 'RPA-Runner', password })).credential;
}

async function connectionThrough(credentialId: string, groupId: string): Promise<void> {
  await ports.store.create<ConnectionDocument>({
    id: `conn-${groupId}`,
    environmentId: ENV,
    type: 'connection',
    name: 'c',
    groupId,
    kind: 'direct-to-machine',
    runMode: 'unattended',
    username: 'rpa-runner',
    credentialId,
    ownerId: 'owner',
    createdAt: NOW,
    updatedAt: NOW,
  });
}

beforeEach(async () => {
  ports = useCasePorts();
  await seedEnvironment(ports.store);
  await seedMember(ports.store, 'owner', ['EnvironmentMaker']);
  await seedMember(ports.store, 'user', ['BasicUser']);
  await seedMember(ports.store, 'nobody', []);
});

describe('createCredential', () => {
  it('puts the password in the secret store and only its reference in the document', async () => {
    const credential = await aCredential();
    expect(credential).toMatchObject({ name: 'Runner', username: 'RPA-Runner', ownerId: 'owner', matches: {}, secret: { source: 'secretStore' } });
    expect(JSON.stringify(credential)).not.toContain(PASSWORD);
    if (credential.secret.source !== 'secretStore') throw new Error('unreachable');
    expect(ports.secrets.latest(credential.secret.ref.name)).toBe(PASSWORD);
  });

  it('refuses a member without a role that may create credentials (403)', async () => {
    await expect(createCredential(ports, userPrincipal('nobody'), ENV, { name: 'n', username: 'u', password: PASSWORD })).rejects.toMatchObject({
      code: 'Forbidden',
    });
  });

  it('refuses neither password nor keyVaultSecretUri (400)', async () => {
    await expect(createCredential(ports, owner, ENV, { name: 'n', username: 'u' })).rejects.toMatchObject({ code: 'ValidationFailed' });
  });

  it('reads a Key Vault secret of the app vault once and keeps its reference', async () => {
    await ports.secrets.set('my-runner-password', PASSWORD);
    const { credential } = await createCredential(ports, owner, ENV, {
      name: 'n',
      username: 'u',
      keyVaultSecretUri: `${TEST_KEYVAULT_URL}/secrets/my-runner-password`,
    });
    expect(credential.secret).toMatchObject({ source: 'keyVault', ref: { name: 'my-runner-password' } });
  });

  it.each([
    ['another vault', 'https://other.vault.test/secrets/x', 'SecretNotReadable'],
    ["one of the app's own secrets", `${TEST_KEYVAULT_URL}/secrets/group-account-abc`, 'SecretNotReadable'],
    ['a secret that does not exist', `${TEST_KEYVAULT_URL}/secrets/missing`, 'SecretNotReadable'],
  ])('refuses a keyVaultSecretUri naming %s (422)', async (_case, keyVaultSecretUri, reason) => {
    await expect(createCredential(ports, owner, ENV, { name: 'n', username: 'u', keyVaultSecretUri })).rejects.toMatchObject({
      code: 'BusinessRuleViolated',
      options: { reason },
    });
    expect(ports.store.ofType(ENV, 'credential')).toEqual([]);
  });

  it('refuses a malformed keyVaultSecretUri (400)', async () => {
    await expect(createCredential(ports, owner, ENV, { name: 'n', username: 'u', keyVaultSecretUri: `${TEST_KEYVAULT_URL}/keys/x` })).rejects.toMatchObject({
      code: 'ValidationFailed',
    });
  });

  it('removes the secret again when the document cannot be written', async () => {
    ports.store.failCreateOf = 'credential';
    await expect(aCredential()).rejects.toThrow('the store is down');
    expect(ports.secrets.names()).toEqual([]);
  });
});

describe('listCredentials and getCredential', () => {
  it('show the credentials the caller may see, with how many connections use each', async () => {
    const credential = await aCredential();
    await connectionThrough(credential.id, G1);
    expect((await listCredentials(ports, owner, ENV)).map((v) => [v.credential.id, v.usedByConnections])).toEqual([[credential.id, 1]]);
    expect(await listCredentials(ports, userPrincipal('user'), ENV)).toEqual([]);
    expect((await getCredential(ports, owner, ENV, credential.id)).usedByConnections).toBe(1);
  });

  it('answer 404 for a credential not shared with the caller', async () => {
    const credential = await aCredential();
    await expect(getCredential(ports, userPrincipal('user'), ENV, credential.id)).rejects.toMatchObject({ code: 'NotFound' });
  });
});

describe('updateCredential', () => {
  it('renames under If-Match', async () => {
    const credential = await aCredential();
    expect((await updateCredential(ports, owner, ENV, credential.id, { name: 'Renamed' }, credential.etag)).credential.name).toBe('Renamed');
  });

  it('refuses a stale If-Match (412)', async () => {
    const credential = await aCredential();
    await expect(updateCredential(ports, owner, ENV, credential.id, { name: 'Renamed' }, '"stale"')).rejects.toMatchObject({ code: 'PreconditionFailed' });
  });

  it('refuses a share holder who may only use it (403)', async () => {
    const credential = await aCredential();
    const shared = await setCredentialAccess(ports, owner, ENV, credential.id, [{ userId: 'user', permission: 'User' }], credential.etag);
    await expect(updateCredential(ports, userPrincipal('user'), ENV, credential.id, { name: 'x' }, shared.credential.etag)).rejects.toMatchObject({
      code: 'Forbidden',
    });
  });

  it('on a new password, records which groups of its connections have that password (account names compared without case)', async () => {
    await seedGroup(ports, G1, 'New-Passw0rd!');
    await seedGroup(ports, G2, 'Other-Passw0rd!');
    const credential = await aCredential();
    await connectionThrough(credential.id, G1);
    await connectionThrough(credential.id, G2);
    ports.clock.advance(1000);
    const { credential: saved } = await updateCredential(ports, owner, ENV, credential.id, { password: 'New-Passw0rd!' }, credential.etag);
    expect(saved.matches).toEqual({ [G1]: 1 });
    expect(saved.passwordChangedAt).toBe('2026-01-01T00:00:01.000Z');
  });
});

describe('deleteCredential', () => {
  it('deletes the document and the secret the app kept for it', async () => {
    const credential = await aCredential();
    await deleteCredential(ports, owner, ENV, credential.id, credential.etag);
    expect(ports.store.ofType(ENV, 'credential')).toEqual([]);
    expect(ports.secrets.names()).toEqual([]);
  });

  it('refuses while a connection references it (409 ResourceInUse)', async () => {
    const credential = await aCredential();
    await connectionThrough(credential.id, G1);
    await expect(deleteCredential(ports, owner, ENV, credential.id, undefined)).rejects.toMatchObject({ code: 'ResourceInUse' });
  });
});

describe('setCredentialAccess', () => {
  it('refuses to share with a user who is not a member (422 NotAMember)', async () => {
    const credential = await aCredential();
    await expect(setCredentialAccess(ports, owner, ENV, credential.id, [{ userId: 'stranger', permission: 'User' }], undefined)).rejects.toMatchObject({
      options: { reason: 'NotAMember' },
    });
  });
});

describe('credentialToRotateWith', () => {
  const member: Membership = { userId: 'owner', roles: ['EnvironmentMaker'], active: true };
  const ctx = async () => ({ env: (await ports.store.get<EnvironmentDocument>(ENV, ENV))!, member });

  it('answers the credential for the group account', async () => {
    const group = await seedGroup(ports, G1, PASSWORD);
    const credential = await aCredential();
    const { env, member } = await ctx();
    expect((await credentialToRotateWith(ports, env, member, credential.id.toUpperCase(), group)).id).toBe(credential.id);
  });

  it('refuses a credential for another account name (422 UsernameMismatch)', async () => {
    const group = await seedGroup(ports, G1, PASSWORD, { account: { username: 'someone-else', password: { name: 'x' } } });
    const credential = await aCredential();
    const { env, member } = await ctx();
    await expect(credentialToRotateWith(ports, env, member, credential.id, group)).rejects.toMatchObject({ options: { reason: 'UsernameMismatch' } });
  });

  it('refuses a credential that only names a Key Vault secret (422 CredentialNotWritable)', async () => {
    const group = await seedGroup(ports, G1, PASSWORD);
    await ports.secrets.set('mine', PASSWORD);
    const { credential } = await createCredential(ports, owner, ENV, {
      name: 'n',
      username: 'rpa-runner',
      keyVaultSecretUri: `${TEST_KEYVAULT_URL}/secrets/mine`,
    });
    const { env, member } = await ctx();
    await expect(credentialToRotateWith(ports, env, member, credential.id, group)).rejects.toMatchObject({ options: { reason: 'CredentialNotWritable' } });
  });
});
