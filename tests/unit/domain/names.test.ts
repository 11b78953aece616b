import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nameCharacterProblems, nameKey, storedName } from '../../../domain/names.js';

describe('nameCharacterProblems', () => {
  it.each([
    ['a right-to-left override', 'Invoices\u202etxt.exe'],
    ['a left-to-right embedding', '\u202aInvoices'],
    ['a first-strong isolate', 'Invoices\u2068'],
    ['a right-to-left mark', 'Invoices\u200f'],
    ['an Arabic letter mark', 'Invoices\u061c'],
    ['a zero-width space', 'In\u200bvoices'],
    ['a zero-width joiner', 'In\u200dvoices'],
    ['a word joiner', 'In\u2060voices'],
    ['a byte order mark', '\ufeffInvoices'],
    ['a soft hyphen (another format character)', 'In\u00advoices'],
    ['a NUL', 'Invoices\u0000'],
    ['a tab', 'Invoices\t'],
    ['a DEL', 'Invoices\u007f'],
    ['a C1 control', 'Invoices\u0085'],
    ['a line separator', 'Invoices\u2028'],
    ['a lone surrogate', 'Invoices\ud800'],
    ['a private-use character', 'Invoices\ue000'],
    ['an unassigned code point', 'Invoices\u0378'],
  ])('refuses %s, naming its code point', (_what, name) => {
    const problems = nameCharacterProblems(name);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/U\+[0-9A-F]{4}/);
  });

  it.each([['Invoices'], ['Rechnungen (Nord-Ost)'], ['Café'], ['Ｇｒｏｕｐ'], ['財務 RPA'], ['فواتير'], ['Счета'], ['Invoices 🤖']])('accepts %j', (name) => {
    expect(nameCharacterProblems(name)).toEqual([]);
  });
});

describe('storedName', () => {
  it('is the NFKC form: full-width letters, ligatures and composed characters become one form', () => {
    expect(storedName('\uff27\uff21')).toBe('GA');
    expect(storedName('\ufb01nance')).toBe('finance');
    expect(storedName('Cafe\u0301')).toBe('Caf\u00e9');
  });
});

describe('nameKey', () => {
  it.each([
    ['GA', 'G\u0410', 'Cyrillic А beside Latin A (issue #17)'],
    ['GA', 'ga', 'case'],
    ['Straße', 'STRASSE', 'full case folding of ß'],
    ['ΟΔΟΣ', 'οδος', 'final sigma'],
    ['GA', '\uff27\uff21', 'full-width letters'],
    ['Café', 'Cafe\u0301', 'composed and decomposed é'],
    ['PayPal', 'PayPa1', 'digit 1 for l'],
    ['Invoices 2020', 'Invoices 2O2O', 'O for 0'],
    ['Invoices  North', ' Invoices North ', 'spaces around and between words'],
  ])('makes %j and %j one name (%s)', (a, b) => {
    expect(nameKey(a)).toBe(nameKey(b));
  });

  it.each([
    ['Invoices', 'Invoice'],
    // case folding comes first (INVOICES is invoices), so a capital I is an i there, not the l it looks like
    ['PayPal', 'PayPaI'],
    ['Invoices 1', 'Invoices 2'],
    ['Счета', 'Invoices'],
  ])('keeps %j and %j apart', (a, b) => {
    expect(nameKey(a)).not.toBe(nameKey(b));
  });

  it('is stable: the key of a key is the key, so keys stored in the ledger can be compared by re-keying them', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (name) => {
        const key = nameKey(name);
        expect(nameKey(key)).toBe(key);
      }),
    );
  });
});
