import type { Container, ItemDefinition, PartitionKey, SqlParameter } from '@azure/cosmos';
import {
  DuplicateDocumentError,
  StalePreconditionError,
  type DocumentStore,
  type ListOptions,
  type Page,
  type StoredDocument,
  type Versioned,
} from '../../app/ports/document-store.js';
import { withExpiry, type ExpiryPolicy } from '../../domain/retention.js';
import { httpStatusOf } from '../../domain/errors/error-probe.js';

/** The HTTP status of a Cosmos SDK error, when it carries one. */
export function statusOf(err: unknown): number | undefined {
  return httpStatusOf(err);
}

const FIELD = /^[A-Za-z][A-Za-z0-9]*$/;

/** Strips Cosmos system properties and exposes the etag as a plain field. */
export function toVersioned<T extends StoredDocument>(resource: ItemDefinition | undefined, id: string): Versioned<T> {
  if (!resource) throw new Error(`Cosmos returned no body for ${id}.`);
  const { _etag, _rid, _self, _attachments, _ts, ...doc } = resource as ItemDefinition & Record<string, unknown>;
  void _rid;
  void _self;
  void _attachments;
  void _ts;
  return { ...(doc as unknown as T), etag: String(_etag) };
}

function withoutEtag<T extends StoredDocument>(doc: T): T {
  const copy = { ...doc } as Record<string, unknown>;
  delete copy.etag;
  return copy as unknown as T;
}

/** How a container is keyed: the full key of one document, and the key (or key prefix) of an environment's documents. */
export interface PartitionKeys {
  of(environmentId: string, id: string): PartitionKey;
  ofEnvironment(environmentId: string): PartitionKey;
}

/** `/environmentId`: one logical partition per environment (control, bots). */
export const BY_ENVIRONMENT: PartitionKeys = { of: (environmentId) => environmentId, ofEnvironment: (environmentId) => environmentId };

/** `[/environmentId, /id]` (hierarchical): one logical partition per document, queried by the prefix [environmentId] (runs-v2). */
export const BY_ENVIRONMENT_AND_ID: PartitionKeys = { of: (environmentId, id) => [environmentId, id], ofEnvironment: (environmentId) => [environmentId] };

/**
 * The control documents in Cosmos DB, partitioned by environment (or by environment and id). Every conditional
 * write goes through If-Match; queries always name the environment in the WHERE clause as well as in the options,
 * so that no query fans out across environments (and none depends on an emulator honouring the option alone).
 */
export class CosmosDocumentStore implements DocumentStore {
  /** `expiry`: the per-item ttl written with every create and replace (domain/retention.ts) */
  constructor(
    private readonly container: Container,
    private readonly expiry?: ExpiryPolicy,
    private readonly keys: PartitionKeys = BY_ENVIRONMENT,
  ) {}

  async get<T extends StoredDocument>(environmentId: string, id: string): Promise<Versioned<T> | undefined> {
    try {
      const { resource, statusCode } = await this.container.item(id, this.keys.of(environmentId, id)).read<ItemDefinition>();
      if (statusCode === 404 || !resource) return undefined;
      return toVersioned<T>(resource, id);
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  }

  async create<T extends StoredDocument>(doc: T): Promise<Versioned<T>> {
    try {
      const { resource } = await this.container.items.create<ItemDefinition>(withExpiry(withoutEtag(doc), this.expiry));
      return toVersioned<T>(resource, doc.id);
    } catch (err) {
      if (statusOf(err) === 409) throw new DuplicateDocumentError(doc.id);
      throw err;
    }
  }

  async replace<T extends StoredDocument>(doc: T, etag: string): Promise<Versioned<T>> {
    try {
      const { resource } = await this.container
        .item(doc.id, this.keys.of(doc.environmentId, doc.id))
        .replace<ItemDefinition>(withExpiry(withoutEtag(doc), this.expiry), { accessCondition: { type: 'IfMatch', condition: etag } });
      return toVersioned<T>(resource, doc.id);
    } catch (err) {
      if (statusOf(err) === 412 || statusOf(err) === 404) throw new StalePreconditionError(doc.id);
      throw err;
    }
  }

  async delete(environmentId: string, id: string, etag?: string): Promise<void> {
    try {
      await this.container.item(id, this.keys.of(environmentId, id)).delete(etag ? { accessCondition: { type: 'IfMatch', condition: etag } } : undefined);
    } catch (err) {
      if (statusOf(err) === 404) return;
      if (statusOf(err) === 412) throw new StalePreconditionError(id);
      throw err;
    }
  }

  async list<T extends StoredDocument>(environmentId: string, type: string, options: ListOptions = {}): Promise<Page<Versioned<T>>> {
    const parameters: SqlParameter[] = [
      { name: '@environmentId', value: environmentId },
      { name: '@type', value: type },
    ];
    let sql = 'SELECT * FROM c WHERE c.environmentId = @environmentId AND c.type = @type';
    for (const [field, value] of Object.entries(options.where ?? {})) {
      if (!FIELD.test(field)) throw new Error(`Not a queryable field: ${field}`);
      sql += ` AND c.${field} = @${field}`;
      parameters.push({ name: `@${field}`, value });
    }
    for (const [field, values] of Object.entries(options.whereIn ?? {})) {
      if (!FIELD.test(field)) throw new Error(`Not a queryable field: ${field}`);
      if (values.length === 0) return { items: [] };
      const names = values.map((_, i) => `@${field}In${i}`);
      sql += ` AND c.${field} IN (${names.join(', ')})`;
      values.forEach((value, i) => parameters.push({ name: names[i] ?? '', value }));
    }
    const orderBy = options.orderBy ?? 'createdAt';
    if (!FIELD.test(orderBy)) throw new Error(`Not a sortable field: ${orderBy}`);
    sql += ` ORDER BY c.${orderBy} ${options.descending ? 'DESC' : 'ASC'}`;
    const iterator = this.container.items.query<ItemDefinition>(
      { query: sql, parameters },
      // every page wanted (no pageSize): -1, the service's dynamic page size, so a list of 500 bots is one round trip, not five
      { partitionKey: this.keys.ofEnvironment(environmentId), maxItemCount: options.pageSize ?? -1, continuationToken: options.continuationToken },
    );
    if (options.pageSize === undefined) {
      const { resources } = await iterator.fetchAll();
      return { items: resources.map((r) => toVersioned<T>(r, String(r.id))) };
    }
    const page = await iterator.fetchNext();
    return {
      items: page.resources.map((r) => toVersioned<T>(r, String(r.id))),
      ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
    };
  }
}
