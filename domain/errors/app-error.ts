import { errorCatalogue, type ErrorCode } from './error-catalogue.js';

export interface FieldError {
  /** JSON pointer-like path of the field, e.g. `account.password` or `maxBots` */
  field: string;
  message: string;
}

/** A failure the API reports to its caller: a catalogue code, a human detail, and field errors on validation. */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly options: { errors?: FieldError[]; retryAfterSeconds?: number; reason?: string } = {},
  ) {
    super(detail);
    this.name = 'AppError';
    this.status = errorCatalogue[code].status;
  }

  static validation(errors: FieldError[], detail = 'One or more fields are not valid.'): AppError {
    return new AppError('ValidationFailed', detail, { errors });
  }

  static notFound(what: string): AppError {
    return new AppError('NotFound', `${what} was not found.`);
  }

  static forbidden(detail: string): AppError {
    return new AppError('Forbidden', detail);
  }

  /** A refused business rule; `reason` is a stable machine-readable word (e.g. `GroupLimitReached`). */
  static rule(reason: string, detail: string): AppError {
    return new AppError('BusinessRuleViolated', detail, { reason });
  }
}

/** Normalises anything thrown into an Error, so that one mapping handles every failure. */
export function ensureError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return new Error(typeof thrown === 'string' ? thrown : 'A non-Error value was thrown.');
}
