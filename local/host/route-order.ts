/**
 * The order in which the Functions host tries HTTP routes: by function name, ordinal and case-insensitive, the
 * first route whose template and method constraint match wins. Source: azure-functions-host
 * `FunctionMetadataManager` (`OrderBy(f => f.Name, StringComparer.OrdinalIgnoreCase)`) feeding
 * `WebScriptHostHttpRoutesManager.InitializeHttpFunctionRoutes`, which maps routes in that order with an
 * `HttpMethodRouteConstraint`; see also azure-functions-host#9876 and azure-functions-nodejs-library#300.
 * So a catch-all `{*path}` shadows every route of a function whose name sorts after its own.
 */
export function compareFunctionNames(a: string, b: string): number {
  // .NET's OrdinalIgnoreCase compares the upper-invariant forms code unit by code unit
  const x = a.toUpperCase();
  const y = b.toUpperCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** What a route needs to take part in matching. */
export interface OrderedRoute<T> {
  /** the function's name */
  name: string;
  /** the route template with the route prefix, as the host logs it */
  template: string;
  methods: ReadonlySet<string>;
  match(path: string): Record<string, string> | undefined;
  target: T;
}

export function inHostOrder<T>(routes: readonly OrderedRoute<T>[]): OrderedRoute<T>[] {
  return [...routes].sort((a, b) => compareFunctionNames(a.name, b.name));
}

/**
 * The first route (in host order) whose template matches the path and whose methods include the method. A path
 * whose templates all lack the method is not a match at all (a route constraint, not a 405): the host answers 404.
 */
export function firstMatch<T>(
  ordered: readonly OrderedRoute<T>[],
  method: string,
  path: string,
): { route: OrderedRoute<T>; params: Record<string, string> } | undefined {
  for (const route of ordered) {
    if (route.methods.size > 0 && !route.methods.has(method)) continue;
    const params = route.match(path);
    if (params) return { route, params };
  }
  return undefined;
}
