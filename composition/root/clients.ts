import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CosmosClient } from '@azure/cosmos';
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { SecretClient, type SecretClientOptions } from '@azure/keyvault-secrets';
import { JwtAuthenticator } from '../../adapters/auth/jwt-authenticator.js';
import { BotCredentials } from '../../app/bots/bot-credentials.js';
import { secretStoreSigningKey } from '../../app/bots/signing-key.js';
import type { AppConfig } from '../../app/config/app-config.js';
import { cosmosDefinitions, RUNS_CONTAINER, serviceBusDefinitions } from '../../app/config/infra-definitions.js';
import { FixedWindowRateLimiter } from '../../api/http/rate-limiter.js';
import { ServiceBusGroupQueues, type ServiceBusTarget } from '../../adapters/service-bus/service-bus-group-queues.js';
import { KeyVaultSecretStore } from '../../adapters/key-vault/key-vault-secret-store.js';
import { BY_ENVIRONMENT_AND_ID, CosmosDocumentStore } from '../../adapters/cosmos/cosmos-document-store.js';
import { botRecordRetention, runRetention } from '../../domain/retention.js';
import { countActiveBots } from '../../adapters/cosmos/bot-counts.js';
import { workerLog } from '../../app/ports/worker-log.js';
import { CosmosAuditLog } from '../../adapters/cosmos/cosmos-audit-log.js';
import { CosmosDispatchGates } from '../../adapters/cosmos/cosmos-dispatch-gates.js';
import { CosmosEnvironmentDirectory } from '../../adapters/cosmos/cosmos-environment-directory.js';
import { CosmosRunCounts } from '../../adapters/cosmos/cosmos-run-counts.js';
import { CosmosRunQueries } from '../../adapters/cosmos/cosmos-run-queries.js';
import { listEnvironmentIds } from '../../adapters/cosmos/environment-directory.js';

/** A static bearer token for local peers that accept any (they stand in for a service, not for Entra ID). */
const localPeerCredential: TokenCredential = {
  getToken: async () => ({ token: 'local-cloud', expiresOnTimestamp: Date.now() + 3_600_000 }),
};

let azureCredential: TokenCredential | undefined;

/**
 * The process's one Entra ID credential (the app's managed identity `AZURE_CLIENT_ID`, or the developer's sign-in),
 * shared by Cosmos, Key Vault, Service Bus and ARM so that tokens are fetched and cached once. Built on first use: a
 * local stack that uses keys and connection strings never builds it.
 */
export function credentialFor(config: AppConfig): TokenCredential {
  azureCredential ??= new DefaultAzureCredential(config.AZURE_CLIENT_ID ? { managedIdentityClientId: config.AZURE_CLIENT_ID } : {});
  return azureCredential;
}

function secretClientFor(config: AppConfig): SecretClient {
  if (config.LOCAL_CA_CERT_FILE) {
    // Local Key Vault peer: trust the local CA and accept its non-vault.azure.net host name.
    const options: SecretClientOptions = {
      disableChallengeResourceVerification: true,
      tlsOptions: { ca: readFileSync(config.LOCAL_CA_CERT_FILE, 'utf8') },
    };
    return new SecretClient(config.KEYVAULT_URL, localPeerCredential, options);
  }
  return new SecretClient(config.KEYVAULT_URL, credentialFor(config));
}

/** Locally the emulator connection string (the admin client trusts the local CA); in Azure the namespace and the managed identity. */
function serviceBusTargetFor(config: AppConfig): ServiceBusTarget {
  if (config.SERVICEBUS_CONNECTION_STRING) {
    return {
      connectionString: config.SERVICEBUS_CONNECTION_STRING,
      caCert: config.LOCAL_CA_CERT_FILE ? readFileSync(config.LOCAL_CA_CERT_FILE, 'utf8') : undefined,
    };
  }
  if (!config.SERVICEBUS_NAMESPACE) throw new Error('Set SERVICEBUS_NAMESPACE (Azure) or SERVICEBUS_CONNECTION_STRING (local).');
  return { namespace: config.SERVICEBUS_NAMESPACE, credential: credentialFor(config) };
}

/**
 * Every client of the process, built from validated settings: each handler is handed the ones its ports name.
 * (Tests and benchmarks build the same set against the local cloud.)
 */
export type AppClients = ReturnType<typeof buildClients>;

export function buildClients(config: AppConfig) {
  const cosmos = config.COSMOS_KEY
    ? new CosmosClient({ endpoint: config.COSMOS_ENDPOINT, key: config.COSMOS_KEY, connectionPolicy: { enableEndpointDiscovery: false } })
    : new CosmosClient({ endpoint: config.COSMOS_ENDPOINT, aadCredentials: credentialFor(config) });
  const database = cosmos.database(cosmosDefinitions.databaseName);
  const secrets = new KeyVaultSecretStore(secretClientFor(config));
  return {
    config,
    authenticator: new JwtAuthenticator({
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE.split(',')
        .map((a) => a.trim())
        .filter(Boolean),
      jwksUri: config.AUTH_JWKS_URI,
    }),
    store: new CosmosDocumentStore(database.container('control')),
    botStore: new CosmosDocumentStore(database.container('bots'), botRecordRetention(config.BOT_RECORD_RETENTION_DAYS)),
    botCredentials: new BotCredentials(secretStoreSigningKey(secrets)),
    secrets,
    environmentIds: () => listEnvironmentIds(database.container('control')),
    directory: new CosmosEnvironmentDirectory(database.container('control')),
    audit: new CosmosAuditLog(database.container('control')),
    activeBotsByGroup: (environmentId: string) => countActiveBots(database.container('bots'), environmentId),
    runCounts: new CosmosRunCounts(database.container(RUNS_CONTAINER)),
    runs: {
      docs: new CosmosDocumentStore(database.container(RUNS_CONTAINER), runRetention(config.RUN_RETENTION_DAYS), BY_ENVIRONMENT_AND_ID),
      queries: new CosmosRunQueries(database.container(RUNS_CONTAINER)),
    },
    dispatchGates: new CosmosDispatchGates(database.container('control')),
    rateLimiter: new FixedWindowRateLimiter({ limit: config.RATE_LIMIT_PER_MINUTE, windowMs: 60_000 }),
    queues: new ServiceBusGroupQueues(serviceBusTargetFor(config), serviceBusDefinitions.groupQueue),
    runLog: workerLog,
    now: () => new Date(),
    newId: () => randomUUID(),
  };
}
