import { createProvisioner } from '../../adapters/vms/create-provisioner.js';
import type { BotProvisioner } from '../../app/ports/bot-provisioner.js';
import { credentialFor, type AppClients } from './clients.js';

/** What bot lifecycles need beyond the request-serving services: a provisioner and where agents reach the API. */
export interface BotRuntime {
  deps: AppClients;
  provisioner: BotProvisioner;
  /** e.g. https://<app>.azurewebsites.net/api; locally http://127.0.0.1:7071/api */
  agentApiBaseUrl: string;
}

export function agentApiBaseUrlOf(hostName: string | undefined): string {
  const host = hostName ?? '127.0.0.1:7071';
  const local = /^(127\.0\.0\.1|localhost)(:\d+)?$/.test(host);
  return `${local ? 'http' : 'https'}://${host}/api`;
}

/** The provisioner `PROVISIONER` names, beside the services it was built from. */
export function buildBotRuntime(deps: AppClients): BotRuntime {
  return {
    deps,
    agentApiBaseUrl: agentApiBaseUrlOf(deps.config.WEBSITE_HOSTNAME),
    // ARM calls take the process's one credential (the simulated provisioner takes none)
    provisioner: createProvisioner(
      deps.config,
      deps.config.PROVISIONER === 'arm' ? { secrets: deps.secrets, credential: credentialFor(deps.config) } : { secrets: deps.secrets },
    ),
  };
}
