import type { EnvironmentDocument, MemberDocument } from '../domain/environment.js';
import type { Page, Versioned } from './ports/document-store.js';

/**
 * What `GET /me` and `GET /environments` need across environments: the caller's memberships (one document per
 * environment it belongs to, each in its environment's partition) and, for Platform.Admins, every environment.
 * These are the only requests that are not scoped to one environment's partition: each is one indexed query with
 * equality filters, paged, whose cost follows the page, not the number of environments.
 */
export interface EnvironmentDirectory {
  /** the caller's active memberships, one page */
  membershipsOf(userId: string, page: { pageSize: number; continuationToken?: string | undefined }): Promise<Page<Versioned<MemberDocument>>>;
  /** every environment, one page (Platform.Admin) */
  environments(page: { pageSize: number; continuationToken?: string | undefined }): Promise<Page<Versioned<EnvironmentDocument>>>;
}
