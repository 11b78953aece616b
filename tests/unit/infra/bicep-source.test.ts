import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { balanceProblems, BicepLexError, declarations, loopOf, mask, objectEntries, readBicep, repoRoot } from './bicep-source.js';

/** The text checks of the infra tests are only as good as this lexer: it must see what the compiler sees. */
function bicep(source: string) {
  const dir = mkdtempSync(join(tmpdir(), 'bicep-source-'));
  writeFileSync(join(dir, 'x.bicep'), source);
  return readBicep(relative(repoRoot, join(dir, 'x.bicep')));
}

describe('bicep-source lexer', () => {
  it('ignores braces inside strings, interpolations and comments', () => {
    const source = "var a = '{${b['}']}' // }\n/* { */ var c = '''\n{\n'''\n";
    expect(balanceProblems(mask(source))).toEqual([]);
  });

  it('reports unbalanced and mismatched brackets with their lines', () => {
    expect(balanceProblems(mask('var a = {\n  b: [\n}\n'))).toEqual(["'}' on line 3 closes '[' of line 2", "'{' of line 1 is never closed"]);
    expect(balanceProblems(mask('var a = 1)\n'))).toEqual(["')' on line 1 closes nothing"]);
  });

  it('refuses unterminated strings and comments', () => {
    expect(() => mask("var a = 'abc\nvar b = 1\n")).toThrow(BicepLexError);
    expect(() => mask("var a = '${b\n")).toThrow(BicepLexError);
    expect(() => mask('/* open\n')).toThrow(BicepLexError);
    expect(() => mask("var a = '''\n")).toThrow(BicepLexError);
  });

  it('keeps escaped quotes inside a string', () => {
    expect(() => mask("var a = 'it\\'s'\n")).not.toThrow();
  });

  it('finds declarations, their targets and param defaults, decorators excluded', () => {
    const file = bicep(
      [
        "@description('a = b')",
        'param noDefault string',
        '@allowed([',
        "  'x'",
        '])',
        "param withDefault string = 'x'",
        "resource r 'Microsoft.X/y@2024-01-01' = [for (item, i) in items: {",
        '  name: item.name',
        '}]',
        "module m './m.bicep' = if (ok) {",
        '  params: {}',
        '}',
      ].join('\n'),
    );
    const decls = declarations(file);
    expect(decls.map((d) => [d.kind, d.name, d.target, d.hasDefault])).toEqual([
      ['param', 'noDefault', undefined, false],
      ['param', 'withDefault', undefined, true],
      ['resource', 'r', 'Microsoft.X/y@2024-01-01', true],
      ['module', 'm', './m.bicep', true],
    ]);
    expect(loopOf(file, decls[2]!)).toEqual({ item: 'item', source: 'items' });
    expect(loopOf(file, decls[3]!)).toBeUndefined();
  });

  it('reads the direct keys of an object, quoted ones included, with their values', () => {
    const file = bicep("var o = {\n  a: 'x' // note\n  'b-c': {\n    d: 1\n  }\n  e: f(1, {\n    g: 2\n  })\n}\n");
    const entries = objectEntries(file, file.masked.indexOf('{'));
    expect(entries.map((e) => e.key)).toEqual(['a', 'b-c', 'e']);
    expect(entries[0]?.value).toBe("'x'");
  });
});
