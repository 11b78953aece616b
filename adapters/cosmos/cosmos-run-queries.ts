import type { Container, ItemDefinition, SqlParameter, SqlQuerySpec } from '@azure/cosmos';
import type { RunDocument } from '../../domain/run.js';
import { BadContinuationTokenError, type PageRequest, type RunFilter, type RunQueries } from '../../app/runs/run-store.js';
import { statusOf, toVersioned } from './cosmos-document-store.js';
import type { Page, Versioned } from '../../app/ports/document-store.js';

/**
 * The claim's query: the first queued runs of one group in dispatch order. One key prefix (`[environmentId]`),
 * equality filters, `TOP` and an `ORDER BY` on one field (`dispatchKey`, served by a composite index of infra/definitions/cosmos.json), so
 * its cost does not depend on how many runs are queued.
 */
export const NEXT_QUEUED_SQL =
  "SELECT TOP @top * FROM c WHERE c.environmentId = @env AND c.type = 'run' AND c.groupId = @group AND c.state = 'Queued' ORDER BY c.dispatchKey ASC";

/** the submission's queue-length check: equality filters only, so Cosmos answers it from the index */
export const QUEUED_COUNT_SQL = "SELECT VALUE COUNT(1) FROM c WHERE c.environmentId = @env AND c.type = 'run' AND c.groupId = @group AND c.state = 'Queued'";

export const RUNNING_ON_SQL =
  "SELECT TOP 1 * FROM c WHERE c.environmentId = @env AND c.type = 'run' AND c.groupId = @group AND c.state = 'Running' AND c.botId = @bot";

export const ACTIVE_SQL =
  "SELECT * FROM c WHERE c.environmentId = @env AND c.type = 'run' AND c.groupId = @group AND c.state IN ('Queued', 'Running') ORDER BY c.dispatchKey ASC";

/** the stuck-run sweep's query: every queued or running run of the environment, any group (one key prefix) */
export const UNFINISHED_SQL = "SELECT * FROM c WHERE c.environmentId = @env AND c.type = 'run' AND c.state IN ('Queued', 'Running') ORDER BY c.dispatchKey ASC";

export const ENDED_SQL =
  "SELECT * FROM c WHERE c.environmentId = @env AND c.type = 'run' AND c.groupId = @group AND c.state IN ('Succeeded', 'Failed', 'Cancelled', 'TimedOut') ORDER BY c.endedAt DESC";

/** the callback sweep's query: ended runs whose callback awaits delivery (one key prefix, equality filters) */
export const PENDING_CALLBACKS_SQL =
  "SELECT * FROM c WHERE c.environmentId = @env AND c.type = 'run' AND c.callback.state = 'Pending' AND c.state IN ('Succeeded', 'Failed', 'Cancelled', 'TimedOut')";

/** Most groups a visibility clause names (`c.groupId IN (...)`); a caller who sees more sees them by a wider rule. */
export const MAX_VISIBLE_GROUPS = 250;

/**
 * The environment's runs list: equality filters, an inclusive range on `queuedAt`, and for members who are not
 * SystemAdministrators `(c.groupId IN (<groups it may see>) OR c.submittedBy = @me)`; one key prefix, `ORDER BY` on the
 * field the range is on, so a composite index of infra/definitions/cosmos.json serves filter and order and the cost follows the page.
 */
export function runSearchQuery(filter: RunFilter): { sql: string; parameters: SqlParameter[] } {
  const where = ['c.environmentId = @env', "c.type = 'run'"];
  const parameters: SqlParameter[] = [];
  const equal = (field: string, value: string | undefined) => {
    if (value === undefined) return;
    where.push(`c.${field} = @${field}`);
    parameters.push({ name: `@${field}`, value });
  };
  equal('state', filter.state);
  equal('groupId', filter.groupId);
  equal('desktopFlowId', filter.desktopFlowId);
  equal('submittedBy', filter.submittedBy);
  if (filter.from !== undefined) {
    where.push('c.queuedAt >= @from');
    parameters.push({ name: '@from', value: filter.from });
  }
  if (filter.to !== undefined) {
    where.push('c.queuedAt <= @to');
    parameters.push({ name: '@to', value: filter.to });
  }
  if (filter.visibleTo) {
    const groups = filter.visibleTo.groupIds.slice(0, MAX_VISIBLE_GROUPS).map((id, i) => {
      parameters.push({ name: `@g${i}`, value: id });
      return `@g${i}`;
    });
    parameters.push({ name: '@me', value: filter.visibleTo.userId });
    where.push(groups.length > 0 ? `(c.groupId IN (${groups.join(', ')}) OR c.submittedBy = @me)` : 'c.submittedBy = @me');
  }
  return { sql: `SELECT * FROM c WHERE ${where.join(' AND ')} ORDER BY c.queuedAt DESC`, parameters };
}

const asRun = (resource: ItemDefinition): Versioned<RunDocument> => toVersioned<RunDocument>(resource, String(resource.id));

export class CosmosRunQueries implements RunQueries {
  constructor(private readonly runs: Container) {}

  async nextQueued(environmentId: string, groupId: string, top: number): Promise<Versioned<RunDocument>[]> {
    return this.all(environmentId, NEXT_QUEUED_SQL, [
      { name: '@top', value: top },
      { name: '@group', value: groupId },
    ]);
  }

  async queuedCount(environmentId: string, groupId: string): Promise<number> {
    const { resources } = await this.runs.items
      .query<number>(this.spec(environmentId, QUEUED_COUNT_SQL, [{ name: '@group', value: groupId }]), { partitionKey: [environmentId] })
      .fetchAll();
    return resources[0] ?? 0;
  }

  async runningOn(environmentId: string, groupId: string, botId: string): Promise<Versioned<RunDocument> | undefined> {
    const [run] = await this.all(environmentId, RUNNING_ON_SQL, [
      { name: '@group', value: groupId },
      { name: '@bot', value: botId },
    ]);
    return run;
  }

  active(environmentId: string, groupId: string, page: PageRequest): Promise<Page<Versioned<RunDocument>>> {
    return this.page(environmentId, ACTIVE_SQL, [{ name: '@group', value: groupId }], page);
  }

  ended(environmentId: string, groupId: string, page: PageRequest): Promise<Page<Versioned<RunDocument>>> {
    return this.page(environmentId, ENDED_SQL, [{ name: '@group', value: groupId }], page);
  }

  search(environmentId: string, filter: RunFilter, page: PageRequest): Promise<Page<Versioned<RunDocument>>> {
    const { sql, parameters } = runSearchQuery(filter);
    return this.page(environmentId, sql, parameters, page);
  }

  pendingCallbacks(environmentId: string, page: PageRequest): Promise<Page<Versioned<RunDocument>>> {
    return this.page(environmentId, PENDING_CALLBACKS_SQL, [], page);
  }

  unfinished(environmentId: string, page: PageRequest): Promise<Page<Versioned<RunDocument>>> {
    return this.page(environmentId, UNFINISHED_SQL, [], page);
  }

  private spec(environmentId: string, query: string, parameters: SqlParameter[]): SqlQuerySpec {
    return { query, parameters: [{ name: '@env', value: environmentId }, ...parameters] };
  }

  private async all(environmentId: string, query: string, parameters: SqlParameter[]): Promise<Versioned<RunDocument>[]> {
    const { resources } = await this.runs.items
      .query<ItemDefinition>(this.spec(environmentId, query, parameters), { partitionKey: [environmentId] })
      .fetchAll();
    return resources.map(asRun);
  }

  private async page(environmentId: string, query: string, parameters: SqlParameter[], request: PageRequest): Promise<Page<Versioned<RunDocument>>> {
    const iterator = this.runs.items.query<ItemDefinition>(this.spec(environmentId, query, parameters), {
      partitionKey: [environmentId],
      maxItemCount: request.pageSize,
      ...(request.continuationToken ? { continuationToken: request.continuationToken } : {}),
    });
    try {
      const page = await iterator.fetchNext();
      return {
        items: page.resources.map(asRun),
        ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
      };
    } catch (err) {
      if (request.continuationToken && statusOf(err) === 400) throw new BadContinuationTokenError();
      throw err;
    }
  }
}
