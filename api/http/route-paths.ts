/** A route as the host registers it: function name, method and template under the route prefix. */
export interface HttpRouteSpec {
  name: string;
  method: string;
  route: string;
}

/**
 * Whether a path under /api fits a Functions route template: `{name}` takes one segment, `{*name}` the rest,
 * literals compare case-insensitively (as ASP.NET routing does). Only the template forms this app uses.
 */
export function pathFitsTemplate(template: string, path: string): boolean {
  const want = template.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  for (let i = 0; i < want.length; i++) {
    const segment = want[i] ?? '';
    if (segment.startsWith('{*')) return true;
    const actual = have[i];
    if (actual === undefined) return false;
    if (segment.startsWith('{')) continue;
    if (segment.toLowerCase() !== actual.toLowerCase()) return false;
  }
  return want.length === have.length;
}

/** The methods the app serves on a path (empty: no route has that path). */
export function methodsServedAt(routes: readonly HttpRouteSpec[], path: string): string[] {
  return [...new Set(routes.filter((r) => pathFitsTemplate(r.route, path)).map((r) => r.method.toUpperCase()))].sort();
}
