import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bodyHashOf, canonicalJson, idempotencyKeyOf, idempotencyRecordId } from '../../../app/runs/idempotency.js';

describe('Idempotency-Key', () => {
  it('accepts 1..128 printable ASCII characters and nothing else', () => {
    expect(idempotencyKeyOf(undefined)).toBeUndefined();
    expect(idempotencyKeyOf(null)).toBeUndefined();
    expect(idempotencyKeyOf('order 42 / retry #3 ~')).toBe('order 42 / retry #3 ~');
    expect(idempotencyKeyOf('k'.repeat(128))).toHaveLength(128);
    for (const bad of ['', 'k'.repeat(129), 'tab\t', 'naïve', 'line\n', '\u007f']) {
      expect(() => idempotencyKeyOf(bad), JSON.stringify(bad)).toThrow(expect.objectContaining({ code: 'ValidationFailed' }));
    }
  });

  it('is scoped to (environment, caller)', () => {
    const id = idempotencyRecordId('env', 'alice', 'k');
    expect(id).toMatch(/^idem:[0-9a-f]{64}$/);
    expect(idempotencyRecordId('env', 'bob', 'k')).not.toBe(id);
    expect(idempotencyRecordId('env2', 'alice', 'k')).not.toBe(id);
    // no ambiguity from separators inside the parts
    expect(idempotencyRecordId('env', 'a', 'lice|k')).not.toBe(idempotencyRecordId('env', 'a|lice', 'k'));
  });

  it('hashes bodies by content, whatever the order of their keys', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (value) => {
        const reversed = Object.fromEntries(Object.entries(value).reverse());
        expect(bodyHashOf(reversed)).toBe(bodyHashOf(value));
      }),
    );
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: null }] })).toBe('{"a":[{"c":null,"d":2}],"b":1}');
    expect(bodyHashOf({ inputs: { a: 1 } })).not.toBe(bodyHashOf({ inputs: { a: 2 } }));
  });
});
