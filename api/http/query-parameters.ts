import { AppError, type FieldError } from '../../domain/errors/app-error.js';
import type { ApiResponse, ApiRoute } from './api-route.js';
import { openContinuationToken, sealContinuationToken } from '../../app/paging/continuation-tokens.js';

// The query string at the edge: a route takes exactly the parameters its definition declares (`query`, which the
// OpenAPI document also lists), each at most once, so that a misspelt filter or page size is refused (400) rather
// than silently ignored; and a declared `continuationToken` is sealed to its list (continuation-tokens.ts).

/** 400 naming every parameter the route does not declare or that came more than once. */
export function checkQueryParameters(route: Pick<ApiRoute<unknown>, 'query'>, query: URLSearchParams): void {
  const allowed = Object.keys(route.query ?? {});
  const takes = allowed.length > 0 ? `This route takes ${allowed.join(', ')}.` : 'This route takes no query parameters.';
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  for (const name of query.keys()) {
    const field = name.slice(0, 100);
    if (seen.has(name)) {
      if (allowed.includes(name) && !errors.some((e) => e.field === field)) errors.push({ field, message: 'Given more than once.' });
      continue;
    }
    seen.add(name);
    if (!allowed.includes(name)) errors.push({ field, message: `Unknown query parameter. ${takes}` });
    if (errors.length >= 20) break;
  }
  if (errors.length > 0) throw AppError.validation(errors, `The query string is not valid. ${takes}`);
}

/** The list a paged route answers for these path parameters: a continuation token is good only for it. */
function listKeyOf(route: Pick<ApiRoute<unknown>, 'name'>, params: Record<string, string>): string {
  const parts = Object.keys(params)
    .sort()
    .map((k) => `${k}=${(params[k] ?? '').toLowerCase()}`);
  return `${route.name}?${parts.join('&')}`;
}

function takesContinuationToken(route: Pick<ApiRoute<unknown>, 'query'>): boolean {
  return route.query?.continuationToken !== undefined;
}

/** The query the handler sees: a sealed continuation token replaced by the store's own (400 when it does not open). */
export function openedQuery(route: Pick<ApiRoute<unknown>, 'name' | 'query'>, params: Record<string, string>, query: URLSearchParams): URLSearchParams {
  const token = query.get('continuationToken');
  if (token === null || !takesContinuationToken(route)) return query;
  const opened = new URLSearchParams(query);
  opened.set('continuationToken', openContinuationToken(listKeyOf(route, params), token));
  return opened;
}

/** The response the caller sees: the handler's continuation token sealed to the list. */
export function sealedResponse(route: Pick<ApiRoute<unknown>, 'name' | 'query'>, params: Record<string, string>, result: ApiResponse): ApiResponse {
  const body = result.body;
  if (!takesContinuationToken(route) || body === null || typeof body !== 'object' || Array.isArray(body) || !('continuationToken' in body)) return result;
  if (typeof body.continuationToken !== 'string') return result;
  return { ...result, body: { ...body, continuationToken: sealContinuationToken(listKeyOf(route, params), body.continuationToken) } };
}
