import type { Container, ItemDefinition, SqlParameter } from '@azure/cosmos';
import type { AuditDocument, AuditFilter, AuditLog } from '../../app/audit-log.js';
import { BadContinuationTokenError } from '../../app/runs/run-store.js';
import { statusOf, toVersioned } from './cosmos-document-store.js';
import type { Page, Versioned } from '../../app/ports/document-store.js';

/**
 * The audit log in the control container, in each environment's partition: one query with equality filters and a
 * range on `at`, `ORDER BY c.at DESC` (the default range index serves both), so a page costs a page.
 */
export function auditQuery(filter: AuditFilter): { sql: string; parameters: SqlParameter[] } {
  const where = ['c.environmentId = @env', "c.type = 'audit'"];
  const parameters: SqlParameter[] = [];
  if (filter.actor !== undefined) {
    where.push('c.actor = @actor');
    parameters.push({ name: '@actor', value: filter.actor });
  }
  if (filter.targetId !== undefined) {
    where.push('c.targetId = @target');
    parameters.push({ name: '@target', value: filter.targetId });
  }
  if (filter.from !== undefined) {
    where.push('c.at >= @from');
    parameters.push({ name: '@from', value: filter.from });
  }
  if (filter.to !== undefined) {
    where.push('c.at <= @to');
    parameters.push({ name: '@to', value: filter.to });
  }
  return { sql: `SELECT * FROM c WHERE ${where.join(' AND ')} ORDER BY c.at DESC`, parameters };
}

/** Attempts of one audit write, and the first wait between them (doubling: 0.2, 0.4, 0.8, 1.6 s, about 3 s in all). */
export const AUDIT_WRITE_ATTEMPTS = 5;
const FIRST_RETRY_MS = 200;

export class CosmosAuditLog implements AuditLog {
  constructor(
    private readonly control: Container,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /**
   * Writes the entry, retrying what the SDK gave up on (a 503, a throttle past its own retries, a timeout): the change
   * it records has happened, so a transient store failure must not lose it. Idempotent: the entry's id is fixed, so a
   * 409 means an earlier attempt wrote it and only its answer was lost. A 4xx other than 408/409/429 is not retried.
   */
  async record(entry: AuditDocument): Promise<void> {
    await this.retried(() => this.control.items.create(entry), [409]);
  }

  /** A blind replace of the request's own entry: nothing else writes it, so there is no etag to keep. */
  async confirm(entry: AuditDocument): Promise<void> {
    await this.retried(() => this.control.items.upsert(entry), []);
  }

  async discard(environmentId: string, id: string): Promise<void> {
    await this.retried(() => this.control.item(id, environmentId).delete(), [404]);
  }

  private async retried(write: () => Promise<unknown>, done: number[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await write();
        return;
      } catch (err) {
        const status = statusOf(err);
        if (typeof status === 'number' && done.includes(status)) return;
        const permanent = typeof status === 'number' && status >= 400 && status < 500 && status !== 408 && status !== 429;
        if (permanent || attempt >= AUDIT_WRITE_ATTEMPTS) throw err;
        await this.sleep(FIRST_RETRY_MS * 2 ** (attempt - 1));
      }
    }
  }

  async search(
    environmentId: string,
    filter: AuditFilter,
    request: { pageSize: number; continuationToken?: string | undefined },
  ): Promise<Page<Versioned<AuditDocument>>> {
    const { sql, parameters } = auditQuery(filter);
    const iterator = this.control.items.query<ItemDefinition>(
      { query: sql, parameters: [{ name: '@env', value: environmentId }, ...parameters] },
      { partitionKey: environmentId, maxItemCount: request.pageSize, ...(request.continuationToken ? { continuationToken: request.continuationToken } : {}) },
    );
    try {
      const page = await iterator.fetchNext();
      return {
        items: page.resources.map((r) => toVersioned<AuditDocument>(r, String(r.id))),
        ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
      };
    } catch (err) {
      if (request.continuationToken && statusOf(err) === 400) throw new BadContinuationTokenError();
      throw err;
    }
  }
}
