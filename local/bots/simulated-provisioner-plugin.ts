import { BotAgent } from '../../agent/bot-agent.js';
import { loadAppConfig } from '../../shared/config/app-config.js';
import { registerProvisioner } from '../../shared/provisioning/provisioner-registry.js';
import { SimulatedBotProvisioner } from './simulated-bot-provisioner.js';

/**
 * Preloaded into the local Functions host process (`node --import`) before the app loads: makes
 * `PROVISIONER=simulated` available to the app without any production module importing the simulated
 * provisioner or the reference agent. The "VMs" are rows in the host storage (Azurite); each booted one runs
 * the reference agent in this process.
 */
registerProvisioner('simulated', (deps) => {
  const config = loadAppConfig(process.env);
  const storage = process.env.AzureWebJobsStorage;
  if (!storage) throw new Error('PROVISIONER=simulated needs AzureWebJobsStorage (the simulated VMs live there)');
  return new SimulatedBotProvisioner(
    SimulatedBotProvisioner.tableFromConnectionString(storage),
    {
      deploymentId: config.DEPLOYMENT_ID ?? 'local',
      provisionDelayMs: config.LOCAL_PROVISION_DELAY_MS,
      failureRate: config.LOCAL_PROVISION_FAILURE_RATE,
      subscriptionId: config.AZURE_SUBSCRIPTION_ID,
      resourceGroup: config.BOTS_RESOURCE_GROUP,
    },
    {
      secrets: deps.secrets,
      ...(deps.log ? { log: deps.log } : {}),
      startAgent: (spec) => {
        const agent = new BotAgent({ apiBaseUrl: spec.agent.controlPlaneUrl, credential: spec.agent.credential });
        agent.start();
        return { stop: () => agent.stop() };
      },
    },
  );
});
