import { beforeEach, describe, expect, it } from 'vitest';
import { readWebhookSecret, rotateWebhookSecret, webhookSecretName } from '../../../../app/callbacks/webhook-secret.js';
import { ENV, seedEnvironment, seedMember, useCasePorts, userPrincipal, type UseCasePorts } from '../../../support/fakes/use-case-ports.js';

const admin = userPrincipal('admin');
let ports: UseCasePorts;

beforeEach(async () => {
  ports = useCasePorts();
  await seedEnvironment(ports.store);
  await seedMember(ports.store, 'admin', ['SystemAdministrator']);
  await seedMember(ports.store, 'maker', ['EnvironmentMaker']);
});

describe('readWebhookSecret', () => {
  it('creates the secret on first read, in the secret store only, and answers the same one after', async () => {
    const first = await readWebhookSecret(ports, admin, ENV);
    expect(first.environmentId).toBe(ENV);
    expect(await ports.secrets.get({ name: webhookSecretName(ENV) })).toBe(first.secret);
    expect(await readWebhookSecret(ports, admin, ENV)).toEqual(first);
  });

  it('is for SystemAdministrators (403 otherwise), and 404 to a non-member', async () => {
    await expect(readWebhookSecret(ports, userPrincipal('maker'), ENV)).rejects.toMatchObject({ code: 'Forbidden' });
    await expect(readWebhookSecret(ports, userPrincipal('stranger'), ENV)).rejects.toMatchObject({ code: 'NotFound' });
  });
});

describe('rotateWebhookSecret', () => {
  it('replaces the secret: reads after it answer the new one', async () => {
    const before = await readWebhookSecret(ports, admin, ENV);
    const rotated = await rotateWebhookSecret(ports, admin, ENV);
    expect(rotated.secret).not.toBe(before.secret);
    expect((await readWebhookSecret(ports, admin, ENV)).secret).toBe(rotated.secret);
  });

  it('is for SystemAdministrators (403 otherwise)', async () => {
    await expect(rotateWebhookSecret(ports, userPrincipal('maker'), ENV)).rejects.toMatchObject({ code: 'Forbidden' });
  });
});
