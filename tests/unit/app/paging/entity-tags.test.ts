import { describe, expect, it } from 'vitest';
import { entityTag, ifMatchAllows, ifNoneMatchMatches } from '../../../../app/paging/entity-tags.js';

describe('entityTag', () => {
  it('quotes a bare etag (the local store) and keeps one Cosmos DB already quoted', () => {
    expect(entityTag('0b8e6f7c-1d2e')).toBe('"0b8e6f7c-1d2e"');
    expect(entityTag('"00000a00-0000"')).toBe('"00000a00-0000"');
  });
});

describe('ifMatchAllows', () => {
  const etag = '0b8e6f7c-1d2e';

  it.each([
    ['the entity tag as the ETag header sends it', '"0b8e6f7c-1d2e"'],
    ['the bare etag of the body', '0b8e6f7c-1d2e'],
    ['*', '*'],
    ['a list holding it', '"stale", "0b8e6f7c-1d2e"'],
    ['a list holding it bare', 'stale, 0b8e6f7c-1d2e'],
    ['spaces around', '  "0b8e6f7c-1d2e"  '],
  ])('lets %s through', (_what, header) => {
    expect(ifMatchAllows(header, etag)).toBe(true);
  });

  it.each([
    ['a stale tag', '"stale"'],
    ['a weak tag of the same value (strong comparison, RFC 9110 13.1.1)', 'W/"0b8e6f7c-1d2e"'],
    ['a list of weak tags', 'W/"x", W/"0b8e6f7c-1d2e"'],
    ['an unclosed quote', '"0b8e6f7c-1d2e'],
    ['text after a tag', '"0b8e6f7c-1d2e"x'],
    ['an empty header', ''],
    ['a tag that only contains it', '"0b8e6f7c-1d2e-more"'],
  ])('refuses %s', (_what, header) => {
    expect(ifMatchAllows(header, etag)).toBe(false);
  });

  it('compares with an etag Cosmos DB keeps quoted, whichever form the caller sends', () => {
    expect(ifMatchAllows('"00000a00-0000"', '"00000a00-0000"')).toBe(true);
    expect(ifMatchAllows('00000a00-0000', '"00000a00-0000"')).toBe(true);
  });

  it('keeps a comma inside a quoted tag part of the tag', () => {
    expect(ifMatchAllows('"a,b"', 'a,b')).toBe(true);
    expect(ifMatchAllows('"a,b"', 'a')).toBe(false);
  });
});

describe('ifNoneMatchMatches', () => {
  it('compares weakly: quoted, weak and bare tags name the same representation', () => {
    expect(ifNoneMatchMatches('"abc"', '"abc"')).toBe(true);
    expect(ifNoneMatchMatches('W/"abc"', '"abc"')).toBe(true);
    expect(ifNoneMatchMatches('"abc"', 'W/"abc"')).toBe(true);
    expect(ifNoneMatchMatches('abc', '"abc"')).toBe(true);
    expect(ifNoneMatchMatches('"x", W/"abc"', '"abc"')).toBe(true);
    expect(ifNoneMatchMatches('*', '"abc"')).toBe(true);
  });

  it('answers in full for another tag or a malformed header', () => {
    expect(ifNoneMatchMatches('"abd"', '"abc"')).toBe(false);
    expect(ifNoneMatchMatches('"abc', '"abc"')).toBe(false);
    expect(ifNoneMatchMatches('', '"abc"')).toBe(false);
  });
});
