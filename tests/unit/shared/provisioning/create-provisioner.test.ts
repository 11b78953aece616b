import type { TokenCredential } from '@azure/identity';
import { describe, expect, it } from 'vitest';

import { ArmBotProvisioner } from '../../../../shared/provisioning/arm-bot-provisioner.js';
import { createProvisioner, type ProvisionerConfig, ProvisionerConfigError } from '../../../../shared/provisioning/create-provisioner.js';
import { SimulatedBotProvisioner } from '../../../../shared/provisioning/simulated-bot-provisioner.js';
import { MemorySecretStore } from './bot-fixtures.js';

const credential: TokenCredential = { getToken: async () => ({ token: 't', expiresOnTimestamp: Date.now() + 60_000 }) };

const armConfig: ProvisionerConfig = {
  PROVISIONER: 'arm',
  LOCAL_PROVISION_DELAY_MS: 30_000,
  LOCAL_PROVISION_FAILURE_RATE: 0,
  AZURE_SUBSCRIPTION_ID: '11111111-2222-3333-4444-555555555555',
  BOTS_RESOURCE_GROUP: 'rg-bots',
  BOTS_SUBNET_ID: '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/v/subnets/bots',
  DEPLOYMENT_ID: 'hostedrpa-x',
  AZURE_CLIENT_ID: undefined,
};

const STORAGE = 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;';

describe('createProvisioner', () => {
  it('builds the ARM provisioner for PROVISIONER=arm (with or without a credential given)', () => {
    expect(createProvisioner(armConfig, { secrets: new MemorySecretStore(), credential })).toBeInstanceOf(ArmBotProvisioner);
    expect(createProvisioner({ ...armConfig, AZURE_CLIENT_ID: 'client-id' }, { secrets: new MemorySecretStore() })).toBeInstanceOf(ArmBotProvisioner);
  });

  it('names every ARM setting that is missing', () => {
    const config = { ...armConfig, BOTS_SUBNET_ID: undefined, DEPLOYMENT_ID: undefined };

    expect(() => createProvisioner(config, { secrets: new MemorySecretStore(), credential })).toThrow(
      new ProvisionerConfigError('PROVISIONER=arm needs BOTS_SUBNET_ID, DEPLOYMENT_ID'),
    );
  });

  it('builds the simulated provisioner for PROVISIONER=simulated, from a connection string or a table client', () => {
    const config: ProvisionerConfig = { ...armConfig, PROVISIONER: 'simulated', AZURE_SUBSCRIPTION_ID: undefined, BOTS_RESOURCE_GROUP: undefined, BOTS_SUBNET_ID: undefined, DEPLOYMENT_ID: undefined };

    expect(createProvisioner(config, { secrets: new MemorySecretStore(), simulatedVms: { connectionString: STORAGE } })).toBeInstanceOf(SimulatedBotProvisioner);
    const table = SimulatedBotProvisioner.tableFromConnectionString(STORAGE);
    expect(createProvisioner(config, { secrets: new MemorySecretStore(), simulatedVms: table })).toBeInstanceOf(SimulatedBotProvisioner);
    expect(table.tableName).toBe('simulatedvms');
    expect(() => createProvisioner(config, { secrets: new MemorySecretStore() })).toThrow(ProvisionerConfigError);
  });
});
