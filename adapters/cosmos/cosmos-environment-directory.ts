import type { Container, ItemDefinition, SqlQuerySpec } from '@azure/cosmos';
import type { EnvironmentDocument, MemberDocument } from '../../domain/environment.js';
import type { EnvironmentDirectory } from '../../app/environment-directory.js';
import { BadContinuationTokenError } from '../../app/runs/run-store.js';
import { statusOf, toVersioned } from './cosmos-document-store.js';
import type { Page, StoredDocument, Versioned } from '../../app/ports/document-store.js';

/** The caller's memberships: equality filters on `type`, `userId` and `active`, across partitions (one per environment). */
export const MEMBERSHIPS_SQL = "SELECT * FROM c WHERE c.type = 'member' AND c.userId = @user AND c.active = true";
export const ENVIRONMENTS_SQL = "SELECT * FROM c WHERE c.type = 'environment'";

/** The cross-partition reads of the control container behind `GET /me` and `GET /environments`. */
export class CosmosEnvironmentDirectory implements EnvironmentDirectory {
  constructor(private readonly control: Container) {}

  membershipsOf(userId: string, page: { pageSize: number; continuationToken?: string | undefined }): Promise<Page<Versioned<MemberDocument>>> {
    return this.page<MemberDocument>({ query: MEMBERSHIPS_SQL, parameters: [{ name: '@user', value: userId }] }, page);
  }

  environments(page: { pageSize: number; continuationToken?: string | undefined }): Promise<Page<Versioned<EnvironmentDocument>>> {
    return this.page<EnvironmentDocument>({ query: ENVIRONMENTS_SQL }, page);
  }

  private async page<T extends StoredDocument>(
    spec: SqlQuerySpec,
    request: { pageSize: number; continuationToken?: string | undefined },
  ): Promise<Page<Versioned<T>>> {
    const iterator = this.control.items.query<ItemDefinition>(spec, {
      maxItemCount: request.pageSize,
      ...(request.continuationToken ? { continuationToken: request.continuationToken } : {}),
    });
    try {
      const page = await iterator.fetchNext();
      return {
        items: page.resources.map((r) => toVersioned<T>(r, String(r.id))),
        ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
      };
    } catch (err) {
      if (request.continuationToken && statusOf(err) === 400) throw new BadContinuationTokenError();
      throw err;
    }
  }
}
