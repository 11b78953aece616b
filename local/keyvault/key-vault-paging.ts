import { KeyVaultFault } from './key-vault-fault.js';

/** Key Vault's list operations answer at most 25 items a page, fewer when `maxresults` asks. */
export const MAX_PAGE_SIZE = 25;

export interface KeyVaultPage<T> {
  value: T[];
  /** The next page, as the SDK follows it; null on the last page. */
  nextLink: string | null;
}

/**
 * One page of a list answer. The continuation is `$skiptoken` in `nextLink`, as with the service (there an
 * opaque token, here the offset).
 */
export function pageOf<T>(items: T[], query: URLSearchParams, listUrl: string): KeyVaultPage<T> {
  const size = pageSize(query.get('maxresults'));
  const skip = skipToken(query.get('$skiptoken'));
  const value = items.slice(skip, skip + size);
  if (skip + size >= items.length) {
    return { value, nextLink: null };
  }
  const next = new URL(listUrl);
  const apiVersion = query.get('api-version');
  if (apiVersion !== null) {
    next.searchParams.set('api-version', apiVersion);
  }
  next.searchParams.set('$skiptoken', String(skip + size));
  next.searchParams.set('maxresults', String(size));
  return { value, nextLink: next.toString() };
}

function pageSize(text: string | null): number {
  if (text === null) {
    return MAX_PAGE_SIZE;
  }
  const size = Number(text);
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw KeyVaultFault.badParameter(`maxresults must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${text}`);
  }
  return size;
}

function skipToken(text: string | null): number {
  if (text === null) {
    return 0;
  }
  const skip = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(skip)) {
    throw KeyVaultFault.badParameter('The $skiptoken is not one this vault issued');
  }
  return skip;
}
