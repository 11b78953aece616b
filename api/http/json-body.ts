import type { HttpRequest } from '@azure/functions';
import type { z } from 'zod';
import { AppError, type FieldError } from '../../domain/errors/app-error.js';

export const MAX_BODY_BYTES = 1024 * 1024;
const MAX_DEPTH = 32;

function depthOf(value: unknown, depth = 0): number {
  if (depth > MAX_DEPTH) return depth;
  if (Array.isArray(value)) return value.reduce<number>((max, v) => Math.max(max, depthOf(v, depth + 1)), depth + 1);
  if (value !== null && typeof value === 'object') {
    return Object.values(value).reduce<number>((max, v) => Math.max(max, depthOf(v, depth + 1)), depth + 1);
  }
  return depth;
}

export function zodIssuesToFieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.slice(0, 50).map((issue) => {
    const field = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return {
        field: [field, ...issue.keys].filter(Boolean).join('.').slice(0, 200),
        message: `Unknown field(s): ${issue.keys.map((k) => k.slice(0, 100)).join(', ')}.`.slice(0, 500),
      };
    }
    return { field: field.slice(0, 200), message: issue.message.slice(0, 500) };
  });
}

/**
 * Reads a JSON body: at most 1 MiB (413), JSON media type (415), well-formed (400), not absurdly deep (400),
 * then validated by the route's schema (400 with the list of fields).
 */
export async function parseJsonBody<T>(request: HttpRequest, schema: z.ZodType<T>): Promise<T> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) throw new AppError('PayloadTooLarge', `The body may be at most ${MAX_BODY_BYTES} bytes.`);
  const contentType = request.headers.get('content-type');
  if (contentType && !/^application\/([\w.+-]*\+)?json\s*(;|$)/i.test(contentType)) {
    throw new AppError('UnsupportedMediaType', 'Send the body as application/json.');
  }
  const bytes = Buffer.from(await request.arrayBuffer());
  if (bytes.length > MAX_BODY_BYTES) throw new AppError('PayloadTooLarge', `The body may be at most ${MAX_BODY_BYTES} bytes.`);
  if (bytes.length === 0) throw new AppError('MalformedJson', 'The request needs a JSON body.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    // the parser's message quotes the input, which may hold a secret: say only where the problem is
    throw new AppError('MalformedJson', 'The request body is not valid JSON.');
  }
  if (depthOf(parsed) > MAX_DEPTH) throw AppError.validation([{ field: '', message: `The body is nested deeper than ${MAX_DEPTH} levels.` }]);
  const result = schema.safeParse(parsed);
  if (!result.success) throw AppError.validation(zodIssuesToFieldErrors(result.error.issues));
  return result.data;
}
