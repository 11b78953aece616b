import type { EnvironmentDocument, MemberDocument } from '../../../domain/environment.js';
import type { EnvironmentDirectory } from '../../../app/environment-directory.js';
import { BadContinuationTokenError } from '../../../app/runs/run-store.js';
import type { Page, Versioned } from '../../../app/ports/document-store.js';
import type { MemoryDocumentStore } from './memory-document-store.js';

/**
 * The cross-partition reads of a MemoryDocumentStore: a caller's active memberships and every environment, paged.
 * A continuation token is the offset of the next page; anything else is refused as the adapter refuses a foreign one.
 */
export class MemoryEnvironmentDirectory implements EnvironmentDirectory {
  constructor(private readonly store: MemoryDocumentStore) {}

  async membershipsOf(userId: string, page: { pageSize: number; continuationToken?: string | undefined }): Promise<Page<Versioned<MemberDocument>>> {
    const members = [...this.store.docs.values()].filter((d) => d.type === 'member') as unknown as Versioned<MemberDocument>[];
    return pageOf(
      members.filter((m) => m.userId === userId && m.active),
      page,
    );
  }

  async environments(page: { pageSize: number; continuationToken?: string | undefined }): Promise<Page<Versioned<EnvironmentDocument>>> {
    return pageOf([...this.store.docs.values()].filter((d) => d.type === 'environment') as unknown as Versioned<EnvironmentDocument>[], page);
  }
}

function pageOf<T>(all: T[], page: { pageSize: number; continuationToken?: string | undefined }): Page<T> {
  const from = page.continuationToken === undefined ? 0 : Number(page.continuationToken);
  if (!Number.isInteger(from) || from < 0) throw new BadContinuationTokenError();
  const items = structuredClone(all.slice(from, from + page.pageSize));
  return from + page.pageSize < all.length ? { items, continuationToken: String(from + page.pageSize) } : { items };
}
