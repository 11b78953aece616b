import type { TokenCredential } from '@azure/identity';
import { describe, expect, it } from 'vitest';

import { ArmBotProvisioner } from '../../../../adapters/vms/arm-bot-provisioner.js';
import { createProvisioner, type ProvisionerConfig, ProvisionerConfigError } from '../../../../adapters/vms/create-provisioner.js';
import type { BotProvisioner } from '../../../../app/ports/bot-provisioner.js';
import { registerProvisioner } from '../../../../adapters/vms/provisioner-registry.js';
import { MemorySecretStore } from './bot-fixtures.js';

const credential: TokenCredential = { getToken: async () => ({ token: 't', expiresOnTimestamp: Date.now() + 60_000 }) };

const armConfig: ProvisionerConfig = {
  PROVISIONER: 'arm',
  AZURE_SUBSCRIPTION_ID: '11111111-2222-3333-4444-555555555555',
  BOTS_RESOURCE_GROUP: 'rg-bots',
  BOTS_SUBNET_ID: '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/v/subnets/bots',
  DEPLOYMENT_ID: 'hostedrpa-x',
  AZURE_CLIENT_ID: undefined,
  BOT_IDENTITY_RESOURCE_ID: undefined,
  BOT_IDENTITY_CLIENT_ID: undefined,
  AGENT_PACKAGE_URL: undefined,
};

describe('createProvisioner', () => {
  it('builds the ARM provisioner for PROVISIONER=arm (with or without a credential given)', () => {
    expect(createProvisioner(armConfig, { secrets: new MemorySecretStore(), credential })).toBeInstanceOf(ArmBotProvisioner);
    expect(createProvisioner({ ...armConfig, AZURE_CLIENT_ID: 'client-id' }, { secrets: new MemorySecretStore() })).toBeInstanceOf(ArmBotProvisioner);
  });

  it('installs the agent package when AGENT_PACKAGE_URL is set, and then needs the bots identity', () => {
    const withPackage = { ...armConfig, AGENT_PACKAGE_URL: 'https://st1.blob.core.windows.net/agent' };

    expect(() => createProvisioner(withPackage, { secrets: new MemorySecretStore(), credential })).toThrow(
      /BOT_IDENTITY_CLIENT_ID and BOT_IDENTITY_RESOURCE_ID/,
    );
    const complete = {
      ...withPackage,
      BOT_IDENTITY_CLIENT_ID: 'bots-client',
      BOT_IDENTITY_RESOURCE_ID: '/subscriptions/s/resourceGroups/r/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-bots',
    };
    expect(createProvisioner(complete, { secrets: new MemorySecretStore(), credential })).toBeInstanceOf(ArmBotProvisioner);
  });

  it('names every ARM setting that is missing', () => {
    const config = { ...armConfig, BOTS_SUBNET_ID: undefined, DEPLOYMENT_ID: undefined };

    expect(() => createProvisioner(config, { secrets: new MemorySecretStore(), credential })).toThrow(
      new ProvisionerConfigError('PROVISIONER=arm needs BOTS_SUBNET_ID, DEPLOYMENT_ID'),
    );
  });

  it('refuses PROVISIONER=simulated where the local cloud has not registered it (the deployed app)', () => {
    const config: ProvisionerConfig = { ...armConfig, PROVISIONER: 'simulated' };
    expect(() => createProvisioner(config, { secrets: new MemorySecretStore() })).toThrow(/belongs to the local cloud/);
  });

  it("builds a registered provisioner for its name, with the app's secret store", () => {
    const secrets = new MemorySecretStore();
    const built: BotProvisioner = {
      provision: async () => ({ botId: 'b', vmResourceId: 'v', imageVersion: '1' }),
      deprovision: async () => undefined,
      list: async () => [],
    };
    let received: unknown;
    registerProvisioner('simulated', (deps) => {
      received = deps.secrets;
      return built;
    });
    expect(createProvisioner({ ...armConfig, PROVISIONER: 'simulated' }, { secrets })).toBe(built);
    expect(received).toBe(secrets);
  });
});
