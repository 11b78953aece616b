import type { TableClient } from '@azure/data-tables';
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';

import type { AppConfig } from '../config/app-config.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { AgentBootstrapBuilder } from './agent-bootstrap.js';
import { type ArmClientOptions, ArmBotProvisioner } from './arm-bot-provisioner.js';
import type { BotProvisioner } from './bot-provisioner.js';
import { SimulatedBotProvisioner, type StartAgent } from './simulated-bot-provisioner.js';

/** The settings the provisioners read. */
export type ProvisionerConfig = Pick<
  AppConfig,
  | 'PROVISIONER'
  | 'LOCAL_PROVISION_DELAY_MS'
  | 'LOCAL_PROVISION_FAILURE_RATE'
  | 'AZURE_SUBSCRIPTION_ID'
  | 'BOTS_RESOURCE_GROUP'
  | 'BOTS_SUBNET_ID'
  | 'DEPLOYMENT_ID'
  | 'AZURE_CLIENT_ID'
>;

export interface ProvisionerDependencies {
  secrets: SecretStore;
  /** arm: the identity that calls ARM; absent: DefaultAzureCredential with the managed identity `AZURE_CLIENT_ID` */
  credential?: TokenCredential;
  /** simulated: starts the reference agent for each booted VM; absent: no agent runs */
  startAgent?: StartAgent;
  /**
   * simulated: where the `simulatedvms` table lives: a TableClient, or the `AzureWebJobsStorage` connection
   * string (that setting belongs to the Functions host and is not in the app config schema).
   */
  simulatedVms?: TableClient | { connectionString: string };
  /** arm: client options (tests inject an httpClient) */
  armClientOptions?: ArmClientOptions;
  /** arm: how the agent is bootstrapped on the VM */
  agentBootstrap?: AgentBootstrapBuilder;
  log?: (line: string) => void;
}

/** A provisioner that cannot start with the settings it was given; the message names the missing settings. */
export class ProvisionerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

const SIMULATED_DEPLOYMENT = 'local';

/** Chooses the provisioner named by `PROVISIONER` and checks the settings it needs. */
export function createProvisioner(config: ProvisionerConfig, deps: ProvisionerDependencies): BotProvisioner {
  switch (config.PROVISIONER) {
    case 'arm':
      return createArmProvisioner(config, deps);
    case 'simulated':
      return createSimulatedProvisioner(config, deps);
  }
}

function createArmProvisioner(config: ProvisionerConfig, deps: ProvisionerDependencies): ArmBotProvisioner {
  const { AZURE_SUBSCRIPTION_ID: subscriptionId, BOTS_RESOURCE_GROUP: resourceGroup, BOTS_SUBNET_ID: subnetId, DEPLOYMENT_ID: deploymentId } = config;
  if (subscriptionId === undefined || resourceGroup === undefined || subnetId === undefined || deploymentId === undefined) {
    const missing = Object.entries({ AZURE_SUBSCRIPTION_ID: subscriptionId, BOTS_RESOURCE_GROUP: resourceGroup, BOTS_SUBNET_ID: subnetId, DEPLOYMENT_ID: deploymentId })
      .filter(([, value]) => value === undefined)
      .map(([name]) => name);
    throw new ProvisionerConfigError(`PROVISIONER=arm needs ${missing.join(', ')}`);
  }
  const credential = deps.credential ?? new DefaultAzureCredential(config.AZURE_CLIENT_ID ? { managedIdentityClientId: config.AZURE_CLIENT_ID } : {});
  return new ArmBotProvisioner(
    {
      subscriptionId,
      resourceGroup,
      subnetId,
      deploymentId,
      agentBootstrap: deps.agentBootstrap,
      log: deps.log,
    },
    { credential, secrets: deps.secrets, clientOptions: deps.armClientOptions },
  );
}

function createSimulatedProvisioner(config: ProvisionerConfig, deps: ProvisionerDependencies): SimulatedBotProvisioner {
  const source = deps.simulatedVms;
  if (source === undefined) {
    throw new ProvisionerConfigError('PROVISIONER=simulated needs the storage of the simulated VMs (AzureWebJobsStorage)');
  }
  const table = 'connectionString' in source ? SimulatedBotProvisioner.tableFromConnectionString(source.connectionString) : source;
  return new SimulatedBotProvisioner(
    table,
    {
      deploymentId: config.DEPLOYMENT_ID ?? SIMULATED_DEPLOYMENT,
      provisionDelayMs: config.LOCAL_PROVISION_DELAY_MS,
      failureRate: config.LOCAL_PROVISION_FAILURE_RATE,
      subscriptionId: config.AZURE_SUBSCRIPTION_ID,
      resourceGroup: config.BOTS_RESOURCE_GROUP,
    },
    { secrets: deps.secrets, startAgent: deps.startAgent, log: deps.log },
  );
}
