import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../domain/errors/app-error.js';
import {
  MAX_CONTINUATION_TOKEN_LENGTH,
  invalidContinuationToken,
  openContinuationToken,
  sealContinuationToken,
} from '../../../../app/paging/continuation-tokens.js';

const LIST = 'listGroupRuns?env=e1&id=g1';
const STORE_TOKEN = '{"token":"+RID:~abc==","range":{"min":"","max":"FF"}}';

/** The error `open` throws, for its fields. */
function refusalOf(token: string, list = LIST): AppError {
  try {
    openContinuationToken(list, token);
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error(`the token was opened: ${token}`);
}

describe('sealContinuationToken', () => {
  it('hands out a URL-safe token that does not show the store token', () => {
    const token = sealContinuationToken(LIST, STORE_TOKEN);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(token).not.toContain('RID');
    expect(encodeURIComponent(token)).toBe(token);
  });

  it('seals the same store token differently for another list', () => {
    expect(sealContinuationToken('listGroupRuns?env=e1&id=g2', STORE_TOKEN)).not.toBe(sealContinuationToken(LIST, STORE_TOKEN));
  });
});

describe('openContinuationToken', () => {
  it('gives back the store token sealed for the same list, whatever its characters', () => {
    for (const inner of [STORE_TOKEN, 'a', 'ü-ñ 🤖', 'x'.repeat(8192)]) {
      expect(openContinuationToken(LIST, sealContinuationToken(LIST, inner))).toBe(inner);
    }
  });

  it.each([
    ['a token of another list', sealContinuationToken('listGroupRuns?env=e1&id=g2', STORE_TOKEN)],
    [
      'a token whose store token was edited',
      `${Buffer.from('{"token":"+RID:~abd=="}').toString('base64url')}.${sealContinuationToken(LIST, STORE_TOKEN).split('.')[1]}`,
    ],
    ['a token whose digest was edited', sealContinuationToken(LIST, STORE_TOKEN).replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))],
    ['a truncated token', sealContinuationToken(LIST, STORE_TOKEN).slice(0, -1)],
    ['a token without its digest', Buffer.from(STORE_TOKEN).toString('base64url')],
    ['the raw store token', STORE_TOKEN],
    ['a sealed empty store token', sealContinuationToken(LIST, '')],
    ['an empty string', ''],
  ])('refuses %s (400 InvalidContinuationToken)', (_what, token) => {
    const err = refusalOf(token);
    expect([err.status, err.code]).toEqual([400, 'InvalidContinuationToken']);
    expect(err.options.errors).toEqual([{ field: 'continuationToken', message: 'Not a continuation token of this list.' }]);
  });

  it(`refuses a token longer than ${MAX_CONTINUATION_TOKEN_LENGTH} characters before looking inside, even one sealed for the list`, () => {
    const long = sealContinuationToken(LIST, 'x'.repeat(9_000));
    expect(long.length).toBeGreaterThan(MAX_CONTINUATION_TOKEN_LENGTH);
    expect(refusalOf(long).code).toBe('InvalidContinuationToken');
  });
});

describe('invalidContinuationToken', () => {
  it('tells the caller to start the list again', () => {
    const err = invalidContinuationToken();
    expect(err.status).toBe(400);
    expect(err.detail).toMatch(/start again without it/);
  });
});
