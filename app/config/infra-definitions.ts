import cosmos from '../../infra/definitions/cosmos.json' with { type: 'json' };
import serviceBus from '../../infra/definitions/service-bus.json' with { type: 'json' };

/**
 * The one definition of the Cosmos containers and Service Bus queues. The same JSON files are read by
 * the Bicep (`loadJsonContent`) and by the local cloud, so code, emulators and Azure cannot drift apart.
 */
export interface ContainerDefinition {
  name: string;
  /** one path: a Hash key; two or three: a hierarchical (MultiHash) key, queried by its prefix */
  partitionKeyPaths: string[];
  uniqueKeyPaths: string[];
  /** -1: TTL on, items expire only by their own `ttl`; absent: TTL off */
  defaultTtl?: number;
  /** the Cosmos indexing policy as the service takes it (absent: every path, consistent) */
  indexingPolicy?: IndexingPolicyDefinition;
}

/** Every path indexed, plus the composite indexes that serve the code's filtered ORDER BY queries. */
export interface IndexingPolicyDefinition {
  indexingMode: string;
  automatic: boolean;
  includedPaths: Array<{ path: string }>;
  excludedPaths: Array<{ path: string }>;
  compositeIndexes: Array<Array<{ path: string; order: string }>>;
}

export interface QueueDefinition {
  lockDuration: string;
  maxDeliveryCount: number;
  defaultMessageTimeToLive: string;
  deadLetteringOnMessageExpiration: boolean;
  maxSizeInMegabytes: number;
}

export const cosmosDefinitions: { databaseName: string; containers: ContainerDefinition[] } = cosmos;

/** The container of runs and Idempotency-Key records, keyed [environmentId, id]: point operations name both. */
export const RUNS_CONTAINER = 'runs-v2';
if (!cosmosDefinitions.containers.some((c) => c.name === RUNS_CONTAINER)) throw new Error(`infra/definitions/cosmos.json has no ${RUNS_CONTAINER} container`);

export const serviceBusDefinitions: {
  groupQueue: QueueDefinition & { namePrefix: string };
  fixedQueues: Array<QueueDefinition & { name: string }>;
} = serviceBus as typeof serviceBusDefinitions;
