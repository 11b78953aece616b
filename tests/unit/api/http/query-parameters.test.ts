import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../../../../domain/errors/app-error.js';
import { openContinuationToken, sealContinuationToken } from '../../../../app/paging/continuation-tokens.js';
import { checkQueryParameters, openedQuery, sealedResponse } from '../../../../api/http/query-parameters.js';

const paged = {
  name: 'listThings',
  query: {
    pageSize: { description: 'size', schema: z.string() },
    continuationToken: { description: 'token', schema: z.string() },
  },
};
const plain = { name: 'getThing', query: undefined };

function refusal(action: () => unknown): AppError {
  try {
    action();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('checkQueryParameters', () => {
  it('accepts the declared parameters, and none', () => {
    expect(() => checkQueryParameters(paged, new URLSearchParams('pageSize=2&continuationToken=x'))).not.toThrow();
    expect(() => checkQueryParameters(plain, new URLSearchParams(''))).not.toThrow();
  });

  it('refuses an unknown parameter with 400, naming it and what the route takes', () => {
    const err = refusal(() => checkQueryParameters(paged, new URLSearchParams('pageSize=2&pagesize=3&$filter=x')));
    expect(err.status).toBe(400);
    expect(err.options.errors?.map((e) => e.field)).toEqual(['pagesize', '$filter']);
    expect(err.detail).toContain('pageSize, continuationToken');
  });

  it('refuses any parameter on a route that declares none', () => {
    const err = refusal(() => checkQueryParameters(plain, new URLSearchParams('q=1')));
    expect(err.options.errors).toEqual([{ field: 'q', message: expect.stringContaining('takes no query parameters') }]);
  });

  it('refuses a declared parameter given twice', () => {
    const err = refusal(() => checkQueryParameters(paged, new URLSearchParams('pageSize=2&pageSize=3')));
    expect(err.options.errors).toEqual([{ field: 'pageSize', message: 'Given more than once.' }]);
  });
});

describe('continuation tokens', () => {
  const params = { env: 'E1', id: 'G1' };

  it('hands the route the store token inside the one it sealed for the same list (path ids in any case)', () => {
    const sealed = sealedResponse(paged, params, { status: 200, body: { items: [], continuationToken: '{"token":"+RID:~abc"}' } });
    const token = (sealed.body as { continuationToken: string }).continuationToken;
    expect(token).not.toContain('RID');
    const opened = openedQuery(paged, { env: 'e1', id: 'g1' }, new URLSearchParams({ continuationToken: token, pageSize: '2' }));
    expect(opened.get('continuationToken')).toBe('{"token":"+RID:~abc"}');
    expect(opened.get('pageSize')).toBe('2');
  });

  it.each([
    ['garbage', 'garbage'],
    ['a raw store token', '{"token":"+RID:~abc"}'],
    ['a truncated token', sealContinuationToken('listThings?env=e1&id=g1', 'store-token').slice(0, -3)],
    ['an edited token', sealContinuationToken('listThings?env=e1&id=g1', 'store-token').replace(/^./, 'A')],
    ['a token of another group', sealContinuationToken('listThings?env=e1&id=g2', 'store-token')],
    ['a token of another list', sealContinuationToken('listOtherThings?env=e1&id=g1', 'store-token')],
    ['an absurdly long token', 'A'.repeat(20_000)],
  ])('refuses %s with 400 InvalidContinuationToken', (_what, token) => {
    const err = refusal(() => openedQuery(paged, params, new URLSearchParams({ continuationToken: token })));
    expect([err.status, err.code]).toEqual([400, 'InvalidContinuationToken']);
    expect(err.options.errors?.[0]?.field).toBe('continuationToken');
  });

  it('leaves the query and the response of a route without paging as they are', () => {
    const query = new URLSearchParams('');
    expect(openedQuery(plain, params, query)).toBe(query);
    const response = { status: 200, body: { continuationToken: 'x' } };
    expect(sealedResponse(plain, params, response)).toBe(response);
  });

  it('round-trips any store token', () => {
    for (const inner of ['a', 'ü-ñ 🤖', 'x'.repeat(8192)]) expect(openContinuationToken('k', sealContinuationToken('k', inner))).toBe(inner);
  });
});
