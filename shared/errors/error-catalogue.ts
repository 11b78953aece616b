/**
 * The stable catalogue of error codes the API answers with. Codes never change meaning; clients and
 * runbooks may key on them. Each maps to one HTTP status and a short title.
 */
export const errorCatalogue = {
  ValidationFailed: { status: 400, title: 'The request is not valid.' },
  MalformedJson: { status: 400, title: 'The request body is not valid JSON.' },
  Unauthenticated: { status: 401, title: 'A valid bearer token is required.' },
  Forbidden: { status: 403, title: 'The caller may not do this.' },
  NotFound: { status: 404, title: 'The resource does not exist.' },
  MethodNotAllowed: { status: 405, title: 'The method is not allowed on this resource.' },
  Conflict: { status: 409, title: 'The request conflicts with the current state.' },
  NameTaken: { status: 409, title: 'The name is already used in this environment.' },
  ResourceInUse: { status: 409, title: 'The resource is in use.' },
  PreconditionFailed: { status: 412, title: 'The resource changed since it was read (If-Match).' },
  PayloadTooLarge: { status: 413, title: 'The request body is too large.' },
  UnsupportedMediaType: { status: 415, title: 'The request body must be application/json.' },
  BusinessRuleViolated: { status: 422, title: 'The request was refused by a business rule.' },
  LimitReached: { status: 422, title: 'A limit was reached.' },
  Throttled: { status: 429, title: 'Too many requests.' },
  Internal: { status: 500, title: 'Something went wrong on our side.' },
  DependencyUnavailable: { status: 503, title: 'A service the API depends on is unavailable.' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof errorCatalogue;
