import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { AppError } from '../../domain/errors/app-error.js';
import { problemResponse } from './problem.js';
import { methodsServedAt, type HttpRouteSpec } from './route-paths.js';

/**
 * The function name of the catch-all that answers what no route does. The host tries routes in function-name
 * order (ordinal, case ignored; first match wins), and `_` sorts after every letter and digit, so a name
 * starting `z_` comes after every other function of this app: the catch-all can never shadow a route
 * (the packaging test checks every route is reachable).
 */
export const NO_ROUTE_FUNCTION = 'z_noRoute';

/**
 * problem+json for a request no route took: 405 with `Allow` when the path is served with other methods (the host
 * itself answers those with an empty 404), 404 otherwise.
 */
export function noRouteHandler(routes: readonly HttpRouteSpec[]) {
  return async (request: HttpRequest): Promise<HttpResponseInit> => {
    const apiPath = new URL(request.url).pathname.replace(/^\/api(?=\/|$)/i, '');
    const allowed = methodsServedAt(routes, apiPath);
    if (allowed.length > 0) {
      const answer = problemResponse(new AppError('MethodNotAllowed', `${request.method} is not served here; use ${allowed.join(', ')}.`), () => undefined);
      return { ...answer, headers: { ...(answer.headers as Record<string, string>), allow: allowed.join(', ') } };
    }
    return problemResponse(new AppError('NotFound', `No API route answers ${request.method} ${apiPath}.`.slice(0, 300)), () => undefined);
  };
}
