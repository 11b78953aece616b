// Entity tags as HTTP has them (RFC 9110, section 8.8.3): `ETag: "<opaque>"`, and `If-Match` as `*` or a list of
// entity tags. The store's etags are the opaque part: bare locally, already quoted by Cosmos DB in Azure (its `_etag`
// is `"0000…"`), so both sides are compared without their quotes.

/** The opaque part of an etag or entity tag: surrounding double quotes removed. */
function opaque(tag: string): string {
  return tag.length >= 2 && tag.startsWith('"') && tag.endsWith('"') ? tag.slice(1, -1) : tag;
}

/** The `ETag` header of a resource whose etag is `etag`: a strong entity tag, quoted. */
export function entityTag(etag: string): string {
  return `"${opaque(etag)}"`;
}

interface Candidate {
  weak: boolean;
  value: string;
}

/**
 * The members of an `If-Match` list: quoted entity tags (`"x"`, `W/"x"`) and, since the brief accepts them, bare
 * ones (`x`). Commas inside quotes belong to the tag. Anything else (an unclosed quote, text after a tag) makes the
 * whole header malformed: undefined.
 */
function candidatesOf(header: string): Candidate[] | undefined {
  const out: Candidate[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < header.length && (header[i] === ' ' || header[i] === '\t')) i++;
  };
  while (i < header.length) {
    skipSpace();
    if (header[i] === ',') {
      i++;
      continue;
    }
    if (i >= header.length) break;
    const weak = header.startsWith('W/', i);
    if (weak) i += 2;
    if (header[i] === '"') {
      const end = header.indexOf('"', i + 1);
      if (end < 0) return undefined;
      out.push({ weak, value: header.slice(i + 1, end) });
      i = end + 1;
    } else {
      const end = header.indexOf(',', i);
      const bare = header.slice(i, end < 0 ? header.length : end).trim();
      if (weak || bare.includes('"')) return undefined;
      out.push({ weak: false, value: bare });
      i = end < 0 ? header.length : end;
    }
    skipSpace();
    if (i < header.length && header[i] !== ',') return undefined;
  }
  return out;
}

/**
 * Whether `If-Match: <header>` lets a request change the resource whose current etag is `etag`. `*` matches any
 * existing resource. Otherwise one member of the list must equal the etag by strong comparison (RFC 9110, 13.1.1):
 * quoted or bare, but never a weak tag (`W/"x"`): a weak tag says "equivalent", and a write needs "the same".
 * A malformed header matches nothing (412), so that a mangled precondition is never taken for none.
 */
export function ifMatchAllows(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const current = opaque(etag);
  return (candidatesOf(header) ?? []).some((c) => !c.weak && c.value === current);
}

/**
 * Whether `If-None-Match: <header>` names the representation tagged `tag` (RFC 9110, 13.1.2): weak comparison, so
 * `W/"x"` and `"x"` both match; `*` matches any representation. A malformed header matches nothing (a full answer).
 */
export function ifNoneMatchMatches(header: string, tag: string): boolean {
  if (header.trim() === '*') return true;
  const current = opaque(tag.startsWith('W/') ? tag.slice(2) : tag);
  return (candidatesOf(header) ?? []).some((c) => c.value === current);
}
