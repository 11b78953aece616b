import { describe, expect, it } from 'vitest';
import type { Page } from '../../../../app/ports/document-store.js';
import { readPage } from '../../../../app/paging/paged-list.js';

/** A thrown store error carrying an HTTP status the way SDK errors do (`code` for Cosmos, `statusCode` for REST). */
const storeError = (field: 'code' | 'statusCode', status: number) => Object.assign(new Error(`status ${status}`), { [field]: status });

const failingWith = (err: Error) => async (): Promise<Page<string>> => {
  throw err;
};

describe('readPage', () => {
  it('answers the page the store read, continuation token and all', async () => {
    const page = { items: ['a', 'b'], continuationToken: 'next' };
    expect(await readPage('inner', async () => page)).toBe(page);
  });

  it('answers 400 InvalidContinuationToken when the store refuses the caller’s token (400)', async () => {
    for (const field of ['code', 'statusCode'] as const) {
      await expect(readPage('garbled', failingWith(storeError(field, 400)))).rejects.toMatchObject({ code: 'InvalidContinuationToken', status: 400 });
    }
  });

  it('passes a 400 through as it is when no token was given: the mistake is not the caller’s', async () => {
    const err = storeError('code', 400);
    await expect(readPage(undefined, failingWith(err))).rejects.toBe(err);
    await expect(readPage('', failingWith(err))).rejects.toBe(err);
  });

  it('passes any other failure through as it is, token or not', async () => {
    const unavailable = storeError('code', 503);
    await expect(readPage('inner', failingWith(unavailable))).rejects.toBe(unavailable);
    const plain = new Error('socket hang up');
    await expect(readPage('inner', failingWith(plain))).rejects.toBe(plain);
  });
});
