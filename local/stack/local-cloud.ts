import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { serviceBusDefinitions } from '../../app/config/infra-definitions.js';
import { startKeyVaultPeer } from '../keyvault/peer.js';
import { startServiceBusPeer } from '../servicebus/peer.js';
import { startAzurite } from './azurite.js';
import { startCosmosPeer, type CosmosPeer } from './cosmos-peer.js';
import { HostProcess } from './host-process.js';
import { localAuthorizationRules, storeAgentQueueKey } from './agent-queue-rule.js';
import { startTokenIssuer, type IssuerState } from './token-issuer.js';
import { createLocalCertificateAuthority } from './tls.js';
import type { ServiceBusPeer } from '../servicebus/peer.js';

export interface LocalCloudOptions {
  /** the Functions host's port; 0 picks a free one */
  port: number;
  /** the function app to host (package.json + host.json); default: this repository */
  appDir?: string;
  /** extra or overriding app settings for the host (durations in tests, for example) */
  settings?: Record<string, string>;
  /** progress lines ("Cosmos … ready 0.4 s") and the host's output */
  log?: (line: string) => void;
}

export interface LocalCloud {
  baseUrl: string;
  port: number;
  /** the app settings the host runs with: the same names as in Azure */
  settings: Record<string, string>;
  issuer: IssuerState;
  caCert: string;
  stateDir: string;
  cosmos: CosmosPeer;
  serviceBus: ServiceBusPeer;
  host: HostProcess;
  /** seconds each part took to start, in start order */
  timings: Array<{ part: string; seconds: number }>;
  stop(): Promise<void>;
}

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const SIMULATED_PROVISIONER_PLUGIN = path.join(REPO_ROOT, 'local/bots/simulated-provisioner-plugin.ts');
/** the web console's local sign-in page (docs/console.md), served by the host beside the API */
const LOCAL_SIGN_IN_PLUGIN = path.join(REPO_ROOT, 'local/console/local-sign-in-plugin.ts');

/** The state folder of a stack serving on `port`; `npm run token` finds the issuer there. */
export function stateDirFor(port: number): string {
  return path.join(REPO_ROOT, '.local-cloud', `port-${port}`);
}

/**
 * Brings the whole local cloud up: certificate authority, Cosmos, Azurite, Service Bus, Key Vault, token
 * issuer, then the Functions host as a child process. Everything stops with `stop()`.
 */
export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const log = options.log ?? (() => undefined);
  const timings: LocalCloud['timings'] = [];
  const stoppers: Array<() => Promise<void>> = [];
  const timed = async <T>(part: string, start: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const result = await start();
    const seconds = (performance.now() - t0) / 1000;
    timings.push({ part, seconds });
    log(`${part.padEnd(28, ' ')} ready ${seconds.toFixed(1)} s`);
    return result;
  };
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) {
      await stop().catch(() => undefined);
    }
    stoppers.length = 0;
  };

  try {
    const port = options.port === 0 ? await (await import('./azurite.js')).freePort() : options.port;
    const stateDir = stateDirFor(port);
    rmSync(stateDir, { recursive: true, force: true });
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    stoppers.push(async () => rmSync(stateDir, { recursive: true, force: true }));

    const ca = await timed('Certificate authority', createLocalCertificateAuthority);
    const caFile = path.join(stateDir, 'ca.pem');
    writeFileSync(caFile, ca.caCert);
    const serverCert = await ca.issueServerCertificate();

    const cosmos = await timed('Cosmos DB (cosmosdb-server)', () => startCosmosPeer());
    stoppers.push(() => cosmos.close());

    const azurite = await timed('Storage (Azurite)', () => startAzurite());
    stoppers.push(() => azurite.stop());

    const { rules: authorizationRules, listenRule } = localAuthorizationRules();
    const serviceBus = await timed('Service Bus (AMQP peer)', () =>
      startServiceBusPeer({ tls: serverCert, queues: serviceBusDefinitions.fixedQueues, authorizationRules }),
    );
    stoppers.push(() => serviceBus.close());

    const vault = await timed('Key Vault (local peer)', () =>
      startKeyVaultPeer({ tls: serverCert, dataFile: path.join(stateDir, 'secrets.dat'), encryptionKey: randomBytes(32) }),
    );
    stoppers.push(() => vault.close());
    await storeAgentQueueKey(vault.vaultUrl, ca.caCert, listenRule);

    const issuer = await timed('Token issuer', () => startTokenIssuer());
    stoppers.push(() => issuer.close());

    const baseUrl = `http://127.0.0.1:${port}`;
    const settings: Record<string, string> = {
      FUNCTIONS_WORKER_RUNTIME: 'node',
      AzureWebJobsFeatureFlags: 'EnableWorkerIndexing',
      AzureWebJobsStorage: azurite.connectionString,
      DURABLE_TASK_HUB: 'hostedrpa',
      WEBSITE_HOSTNAME: `127.0.0.1:${port}`,
      PORT: String(port),
      COSMOS_ENDPOINT: cosmos.endpoint,
      COSMOS_KEY: cosmos.key,
      SERVICEBUS_CONNECTION_STRING: serviceBus.connectionString,
      KEYVAULT_URL: vault.vaultUrl,
      AUTH_ISSUER: issuer.state.issuer,
      AUTH_AUDIENCE: issuer.state.audience,
      AUTH_JWKS_URI: issuer.state.jwksUri,
      LOCAL_CA_CERT_FILE: caFile,
      NODE_EXTRA_CA_CERTS: caFile,
      PROVISIONER: 'simulated',
      // the simulated VMs' disks (each agent's agent.json): removed with the rest of this cloud's state
      LOCAL_SIMULATED_VM_DIR: path.join(stateDir, 'simulated-vms'),
      // a local bot boots in seconds, not minutes, so that `npm start` shows the whole story quickly
      LOCAL_PROVISION_DELAY_MS: '3000',
      BOT_IDLE_TIMEOUT_SECONDS: '60',
      CONTROLLER_INTERVAL_SECONDS: '10',
      // the orphan and stuck-run sweeps run every minute locally (every five in Azure), the run deadlines every 15 s; the inactivity cleanup keeps
      // its daily default. Fire any of them now: POST /admin/functions/{name}
      INACTIVE_GROUP_CLEANUP_SCHEDULE: '0 30 2 * * *',
      ORPHAN_SWEEP_SCHEDULE: '0 * * * * *',
      STUCK_RUN_SWEEP_SCHEDULE: '30 * * * * *',
      RUN_DEADLINE_SWEEP_SCHEDULE: '*/15 * * * * *',
      // run callbacks to receivers on this machine (http://127.0.0.1:...) are refused in Azure, accepted here;
      // the callback sweep runs every 5 s and retries start 5 s apart (docs/callbacks.md)
      ALLOW_HTTP_CALLBACKS: 'true',
      ALLOW_PRIVATE_CALLBACKS: 'true',
      CALLBACK_SWEEP_SCHEDULE: '*/5 * * * * *',
      CALLBACK_RETRY_BASE_SECONDS: '5',
      ...options.settings,
    };
    const stackFile = path.join(stateDir, 'stack.json');
    writeFileSync(stackFile, JSON.stringify({ baseUrl, issuer: issuer.state, pid: process.pid }, null, 2), { mode: 0o600 });
    chmodSync(stackFile, 0o600);

    // the simulated provisioner is the local cloud's, not the app's: the host process preloads it (PROVISIONER=simulated)
    const host = new HostProcess({ appDir: options.appDir ?? REPO_ROOT, env: settings, preload: [SIMULATED_PROVISIONER_PLUGIN, LOCAL_SIGN_IN_PLUGIN], log });
    await timed('Functions host', () => host.start());
    stoppers.push(() => host.stop());

    return {
      baseUrl,
      port,
      settings,
      issuer: issuer.state,
      caCert: ca.caCert,
      stateDir,
      cosmos,
      serviceBus,
      host,
      timings,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
