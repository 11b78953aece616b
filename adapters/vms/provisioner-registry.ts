import type { SecretStore } from '../../app/ports/secret-store.js';
import type { BotProvisioner } from '../../app/ports/bot-provisioner.js';

/** What a provisioner that is not built in gets from the app: the secret store and a log. */
export interface PluggedProvisionerDependencies {
  secrets: SecretStore;
  log?: (line: string) => void;
}

export type ProvisionerFactory = (deps: PluggedProvisionerDependencies) => BotProvisioner;

const factories = new Map<string, ProvisionerFactory>();

/**
 * Provisioners that are not part of the deployed package register here before the app loads. The local cloud
 * preloads its simulated provisioner into the Functions host process this way (`PROVISIONER=simulated`), so no
 * production module imports it; in Azure nothing registers and only `arm` exists.
 */
export function registerProvisioner(name: string, factory: ProvisionerFactory): void {
  factories.set(name, factory);
}

export function registeredProvisioner(name: string): ProvisionerFactory | undefined {
  return factories.get(name);
}
