import type { HttpResponseInit } from '@azure/functions';
import { AppError, ensureError } from '../../domain/errors/app-error.js';
import { errorCatalogue, type ErrorCode } from '../../domain/errors/error-catalogue.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemType(code: ErrorCode): string {
  return `urn:hosted-rpa:problem:${code}`;
}

interface DependencyFailure {
  statusCode?: unknown;
  code?: unknown;
  retryAfterInMs?: unknown;
}

/** Errors of the Azure SDKs that say "try again later" become 429/503, never a 404 or a bare 500. */
function fromDependencyFailure(err: Error): AppError | undefined {
  const failure = err as Error & DependencyFailure;
  const status = typeof failure.statusCode === 'number' ? failure.statusCode : typeof failure.code === 'number' ? failure.code : undefined;
  if (status === 429) {
    const ms = typeof failure.retryAfterInMs === 'number' ? failure.retryAfterInMs : 1000;
    return new AppError('Throttled', 'The data store is busy; retry after the delay given.', { retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)) });
  }
  if (status === 503 || failure.code === 'ECONNREFUSED' || failure.code === 'ServiceUnavailable') {
    return new AppError('DependencyUnavailable', 'A service the API depends on is unavailable; retry shortly.', { retryAfterSeconds: 5 });
  }
  return undefined;
}

/**
 * The one place that turns a failure into `application/problem+json`. Unknown errors become a 500 whose
 * body says nothing about the cause: the detail goes to the log through `logUnexpected`, never to the caller.
 */
export function problemResponse(thrown: unknown, logUnexpected: (err: Error) => void): HttpResponseInit {
  const err = ensureError(thrown);
  const appError = err instanceof AppError ? err : fromDependencyFailure(err);
  if (!appError) logUnexpected(err);
  const code: ErrorCode = appError?.code ?? 'Internal';
  const { status, title } = errorCatalogue[code];
  const body: Record<string, unknown> = {
    type: problemType(code),
    title,
    status,
    detail: appError?.detail ?? 'An unexpected error occurred. It has been logged.',
    code,
  };
  if (appError?.options.reason) body.reason = appError.options.reason;
  if (appError?.options.errors) body.errors = appError.options.errors;
  const headers: Record<string, string> = { 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store' };
  if (appError?.options.retryAfterSeconds !== undefined) headers['retry-after'] = String(appError.options.retryAfterSeconds);
  return { status, headers, body: JSON.stringify(body) };
}
