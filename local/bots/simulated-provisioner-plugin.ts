import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadAppConfig } from '../../app/config/app-config.js';
import { readAdminPassword } from '../../adapters/vms/admin-password.js';
import { registerProvisioner } from '../../adapters/vms/provisioner-registry.js';
import { resumeAgentProcess, startAgentProcess } from './agent-processes.js';
import { SimulatedBotProvisioner } from './simulated-bot-provisioner.js';

/**
 * Preloaded into the local Functions host process (`node --import`) before the app loads: makes
 * `PROVISIONER=simulated` available to the app without any production module importing the simulated
 * provisioner or the agent. The "VMs" are rows in the host storage (Azurite); each booted one runs the agent
 * (agent/main.ts) as its own OS process, a child of this one (local/bots/agent-processes.ts).
 */
registerProvisioner('simulated', (deps) => {
  const config = loadAppConfig(process.env);
  const storage = process.env.AzureWebJobsStorage;
  if (!storage) throw new Error('PROVISIONER=simulated needs AzureWebJobsStorage (the simulated VMs live there)');
  const deploymentId = config.DEPLOYMENT_ID ?? 'local';
  // the simulated VMs' disks: the local cloud's state folder (removed when it stops), else one per storage and deployment
  const stateDir =
    process.env.LOCAL_SIMULATED_VM_DIR ??
    path.join(tmpdir(), 'hosted-rpa-simulated-vms', createHash('sha256').update(`${storage}\n${deploymentId}`).digest('hex').slice(0, 16));
  const agents = { stateDir, ...(deps.log ? { log: deps.log } : {}) };
  const provisioner = new SimulatedBotProvisioner(
    SimulatedBotProvisioner.tableFromConnectionString(storage),
    {
      deploymentId,
      provisionDelayMs: config.LOCAL_PROVISION_DELAY_MS,
      failureRate: config.LOCAL_PROVISION_FAILURE_RATE,
      subscriptionId: config.AZURE_SUBSCRIPTION_ID,
      resourceGroup: config.BOTS_RESOURCE_GROUP,
    },
    {
      secrets: deps.secrets,
      ...(deps.log ? { log: deps.log } : {}),
      startAgent: async (spec) => {
        // the simulated machine holds the account it was provisioned with, as a VM's local account
        const machineAccount = { username: spec.account.username, password: await readAdminPassword(deps.secrets, spec) };
        return startAgentProcess(spec, machineAccount, agents);
      },
      resumeAgent: (botId) => resumeAgentProcess(botId, agents),
    },
  );
  // as a VM's agent service starts at boot: the VMs that outlived the previous host get their agents back
  provisioner
    .resumeAgents()
    .catch((error: unknown) => deps.log?.(`simulated VMs: agents not resumed (${error instanceof Error ? error.message : String(error)})`));
  return provisioner;
});
