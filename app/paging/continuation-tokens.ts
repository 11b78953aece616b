import { createHash } from 'node:crypto';
import { AppError } from '../../domain/errors/app-error.js';

// The continuation tokens callers see. A store's own token is not enough to tell a forged or garbled one from a real
// one: the local Cosmos DB peer reads a token it cannot parse as "from the start", and Azure's answers 400 only to
// some. So every token the API hands out is sealed with the list it pages (route and path parameters) and a digest,
// and a token that does not open is refused (400 InvalidContinuationToken) instead of restarting the list.
// The seal detects garbage, truncation, edits and tokens of another list; it is not a secret (the digest is unkeyed):
// whoever forges one only pages a list the route lets them read anyway, and the store still checks the inner token.

/** Longest token accepted: a sealed store token of up to 8 KiB, base64url-encoded, with its digest. */
export const MAX_CONTINUATION_TOKEN_LENGTH = 12_000;

export function invalidContinuationToken(): AppError {
  return new AppError('InvalidContinuationToken', 'The continuationToken is not one this list handed out; start again without it.', {
    errors: [{ field: 'continuationToken', message: 'Not a continuation token of this list.' }],
  });
}

function digestOf(listKey: string, inner: string): string {
  return createHash('sha256').update(`hosted-rpa continuation\n${listKey}\n${inner}`).digest('base64url').slice(0, 22);
}

/** The token handed to the caller for the store's `inner` token of the list `listKey`. */
export function sealContinuationToken(listKey: string, inner: string): string {
  return `${Buffer.from(inner, 'utf8').toString('base64url')}.${digestOf(listKey, inner)}`;
}

/** The store's token inside a token `sealContinuationToken` made for the same list; 400 InvalidContinuationToken otherwise. */
export function openContinuationToken(listKey: string, token: string): string {
  const match = token.length <= MAX_CONTINUATION_TOKEN_LENGTH ? /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{22})$/.exec(token) : null;
  if (!match) throw invalidContinuationToken();
  const inner = Buffer.from(match[1] ?? '', 'base64url').toString('utf8');
  if (inner.length === 0 || digestOf(listKey, inner) !== match[2]) throw invalidContinuationToken();
  return inner;
}
