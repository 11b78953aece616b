/**
 * The stable catalogue of error codes the API answers with. Codes never change meaning; clients and
 * runbooks may key on them. Each maps to one HTTP status and a short title.
 */
export const errorCatalogue = {
  ValidationFailed: { status: 400, title: 'The request is not valid.' },
  MalformedJson: { status: 400, title: 'The request body is not valid JSON.' },
  /** a continuationToken the list did not hand out (garbled, forged, or of another list): never read as "from the start" */
  InvalidContinuationToken: { status: 400, title: 'The continuation token is not valid for this list.' },
  Unauthenticated: { status: 401, title: 'A valid bearer token is required.' },
  Forbidden: { status: 403, title: 'The caller may not do this.' },
  /** the caller holds the connection but no longer has use of its group (share removed, role lost) */
  GroupAccessRevoked: { status: 403, title: "The caller no longer has use of the connection's group." },
  /** the caller holds the connection but may no longer reference the credential it uses */
  CredentialAccessRevoked: { status: 403, title: "The caller may no longer use the connection's credential." },
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
  /** a group's maxBots above the environment's capacity (at group create and edit) */
  MaxBotsExceedsCapacity: { status: 422, title: "A group's maxBots may not exceed the environment's capacity." },
  /** a password that is not the group's account password (never echoed, compared in constant time) */
  InvalidCredentials: { status: 422, title: "The credentials are not the group's account credentials." },
  /** the group's account password was rotated since the connection's password was checked */
  CredentialsOutdated: { status: 422, title: "The connection's credentials are outdated: the group's account password changed." },
  Throttled: { status: 429, title: 'Too many requests.' },
  /** the group holds MAX_QUEUED_RUNS_PER_GROUP queued runs already: retry once some have been dispatched */
  QueueFull: { status: 429, title: "The group's queue is full." },
  /** the caller used up RATE_LIMIT_PER_MINUTE requests in this environment (counted per instance): retry after Retry-After */
  TooManyRequests: { status: 429, title: 'Too many requests from this caller.' },
  Internal: { status: 500, title: 'Something went wrong on our side.' },
  DependencyUnavailable: { status: 503, title: 'A service the API depends on is unavailable.' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof errorCatalogue;
