import type { Container, ItemDefinition, SqlParameter } from '@azure/cosmos';
import type { AuditDocument, AuditFilter, AuditLog } from '../services/audit-log.js';
import { BadContinuationTokenError } from '../services/runs/run-store.js';
import { statusOf, toVersioned } from './cosmos-document-store.js';
import type { Page, Versioned } from './document-store.js';

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

export class CosmosAuditLog implements AuditLog {
  constructor(private readonly control: Container) {}

  async record(entry: AuditDocument): Promise<void> {
    await this.control.items.create(entry);
  }

  async search(environmentId: string, filter: AuditFilter, request: { pageSize: number; continuationToken?: string | undefined }): Promise<Page<Versioned<AuditDocument>>> {
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
