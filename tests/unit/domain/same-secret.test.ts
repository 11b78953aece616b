import { describe, expect, it } from 'vitest';
import { sameSecret } from '../../../domain/same-secret.js';

describe('sameSecret', () => {
  it.each([
    ['equal', 'Str0ng!Passw0rd', 'Str0ng!Passw0rd', true],
    ['another case', 'Str0ng!Passw0rd', 'str0ng!passw0rd', false],
    ['a prefix', 'Str0ng!Passw0rd', 'Str0ng!Passw0r', false],
    ['a trailing space', 'Str0ng!Passw0rd', 'Str0ng!Passw0rd ', false],
    ['empty and empty', '', '', true],
    ['unicode, composed and decomposed', 'Pässwort-123!', 'Pa\u0308sswort-123!', false],
  ])('%s', (_case, a, b, expected) => {
    expect(sameSecret(a, b)).toBe(expected);
    expect(sameSecret(b, a)).toBe(expected);
  });
});
