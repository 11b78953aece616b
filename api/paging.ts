import { z } from 'zod';
import { AppError } from '../domain/errors/app-error.js';
import { invalidContinuationToken, MAX_CONTINUATION_TOKEN_LENGTH } from '../app/paging/continuation-tokens.js';
import { pageSizeSchema } from './common-schemas.js';

export const continuationTokenSchema = z.string().min(1).max(8192);

/**
 * `?pageSize=` 1..200 (default 50) and `?continuationToken=` of a paged list; 400 with the field otherwise. The token
 * here is the store's: the handler wrapper opened the sealed one the caller sent (api/http/query-parameters.ts).
 */
export function pageOf(query: URLSearchParams): { pageSize: number; continuationToken?: string } {
  const pageSize = pageSizeSchema.safeParse(query.get('pageSize') ?? undefined);
  if (!pageSize.success) throw AppError.validation([{ field: 'pageSize', message: 'Must be an integer from 1 to 200.' }]);
  const token = query.get('continuationToken');
  if (token === null) return { pageSize: pageSize.data };
  if (!continuationTokenSchema.safeParse(token).success) throw invalidContinuationToken();
  return { pageSize: pageSize.data, continuationToken: token };
}

/** The query parameters of a paged list, for the OpenAPI document. */
export const pagingQueryDocs = {
  pageSize: { description: 'Items per page, 1..200 (default 50).', schema: pageSizeSchema },
  continuationToken: {
    description: 'From the previous page, as it came (absent on the last page); a token this list did not hand out is 400 InvalidContinuationToken.',
    schema: z.string().min(1).max(MAX_CONTINUATION_TOKEN_LENGTH),
  },
};
