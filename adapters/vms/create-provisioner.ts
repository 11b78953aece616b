import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';

import type { AppConfig } from '../../app/config/app-config.js';
import type { SecretStore } from '../../app/ports/secret-store.js';
import { type AgentBootstrapBuilder, packageAgentBootstrap } from './agent-bootstrap.js';
import { type ArmClientOptions, ArmBotProvisioner } from './arm-bot-provisioner.js';
import type { BotProvisioner } from '../../app/ports/bot-provisioner.js';
import { registeredProvisioner } from './provisioner-registry.js';

/** The settings the provisioners read. */
export type ProvisionerConfig = Pick<
  AppConfig,
  | 'PROVISIONER'
  | 'AZURE_SUBSCRIPTION_ID'
  | 'BOTS_RESOURCE_GROUP'
  | 'BOTS_SUBNET_ID'
  | 'DEPLOYMENT_ID'
  | 'AZURE_CLIENT_ID'
  | 'BOT_IDENTITY_RESOURCE_ID'
  | 'BOT_IDENTITY_CLIENT_ID'
  | 'AGENT_PACKAGE_URL'
>;

export interface ProvisionerDependencies {
  secrets: SecretStore;
  /** arm: the identity that calls ARM; absent: DefaultAzureCredential with the managed identity `AZURE_CLIENT_ID` */
  credential?: TokenCredential;
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

/**
 * Chooses the provisioner named by `PROVISIONER` and checks the settings it needs. `arm` is built in; `simulated`
 * exists only where the local cloud registered it (provisioner-registry.ts): the deployed package does not hold it.
 */
export function createProvisioner(config: ProvisionerConfig, deps: ProvisionerDependencies): BotProvisioner {
  if (config.PROVISIONER === 'arm') return createArmProvisioner(config, deps);
  const plugged = registeredProvisioner(config.PROVISIONER);
  if (plugged === undefined) {
    throw new ProvisionerConfigError(
      `PROVISIONER=${config.PROVISIONER} is not available here: it belongs to the local cloud (npm start), not to the deployed app; use PROVISIONER=arm`,
    );
  }
  return plugged({ secrets: deps.secrets, ...(deps.log ? { log: deps.log } : {}) });
}

function createArmProvisioner(config: ProvisionerConfig, deps: ProvisionerDependencies): ArmBotProvisioner {
  const { AZURE_SUBSCRIPTION_ID: subscriptionId, BOTS_RESOURCE_GROUP: resourceGroup, BOTS_SUBNET_ID: subnetId, DEPLOYMENT_ID: deploymentId } = config;
  if (subscriptionId === undefined || resourceGroup === undefined || subnetId === undefined || deploymentId === undefined) {
    const missing = Object.entries({
      AZURE_SUBSCRIPTION_ID: subscriptionId,
      BOTS_RESOURCE_GROUP: resourceGroup,
      BOTS_SUBNET_ID: subnetId,
      DEPLOYMENT_ID: deploymentId,
    })
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
      agentBootstrap: deps.agentBootstrap ?? agentBootstrapFor(config),
      botIdentityResourceId: config.BOT_IDENTITY_RESOURCE_ID,
      log: deps.log,
    },
    { credential, secrets: deps.secrets, clientOptions: deps.armClientOptions },
  );
}

/**
 * With `AGENT_PACKAGE_URL` and the bots' identity, the extension installs the agent package; without them the
 * image must carry the agent (the default bootstrap only writes its settings).
 */
function agentBootstrapFor(config: ProvisionerConfig): AgentBootstrapBuilder | undefined {
  if (config.AGENT_PACKAGE_URL === undefined) return undefined;
  if (config.BOT_IDENTITY_CLIENT_ID === undefined || config.BOT_IDENTITY_RESOURCE_ID === undefined) {
    throw new ProvisionerConfigError(
      'AGENT_PACKAGE_URL needs BOT_IDENTITY_CLIENT_ID and BOT_IDENTITY_RESOURCE_ID: the VMs read the package with that identity',
    );
  }
  return packageAgentBootstrap({ containerUrl: config.AGENT_PACKAGE_URL, identityClientId: config.BOT_IDENTITY_CLIENT_ID });
}
