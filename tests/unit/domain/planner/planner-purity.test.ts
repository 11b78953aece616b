import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The planner is a pure policy: no SDK, no Node built-in, no clock, no randomness. This reads its sources
 * (and whatever they import at run time, transitively) and fails on any of them.
 */

const here = dirname(fileURLToPath(import.meta.url));
const plannerDir = resolve(here, '../../../../domain/planner');
const plannerFiles = readdirSync(plannerDir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => join(plannerDir, f));

interface ImportSite {
  specifier: string;
  typeOnly: boolean;
}

function importsOf(source: string): ImportSite[] {
  const sites: ImportSite[] = [];
  const pattern = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
  for (const m of source.matchAll(pattern)) sites.push({ specifier: m[3] ?? '', typeOnly: m[2] !== undefined });
  for (const m of source.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g)) sites.push({ specifier: m[1] ?? '', typeOnly: false });
  for (const m of source.matchAll(/\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g)) sites.push({ specifier: m[1] ?? '', typeOnly: false });
  return sites;
}

/** Every file reachable from the planner through imports that survive compilation. */
function runtimeClosure(roots: string[]): Map<string, ImportSite[]> {
  const seen = new Map<string, ImportSite[]>();
  const pending = [...roots];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    const sites = importsOf(readFileSync(file, 'utf8'));
    seen.set(file, sites);
    for (const site of sites) {
      if (!site.typeOnly && site.specifier.startsWith('.')) pending.push(resolve(dirname(file), site.specifier.replace(/\.js$/, '.ts')));
    }
  }
  return seen;
}

describe('the planner is pure', () => {
  it('has sources to check', () => {
    expect(plannerFiles.map((f) => f.slice(plannerDir.length + 1))).toEqual(
      expect.arrayContaining(['plan.ts', 'planner-input.ts', 'fair-share.ts', 'reasons.ts']),
    );
  });

  it('reads its own imports (the check itself works)', () => {
    expect(importsOf("import { a } from '@azure/cosmos';\nimport type { B } from 'node:fs';\nexport * from './x.js';")).toEqual([
      { specifier: '@azure/cosmos', typeOnly: false },
      { specifier: 'node:fs', typeOnly: true },
      { specifier: './x.js', typeOnly: false },
    ]);
  });

  it.each(plannerFiles.map((f) => [f.slice(plannerDir.length + 1), f]))('%s imports no SDK and no Node built-in', (_name, file) => {
    const bad = importsOf(readFileSync(file, 'utf8')).filter(
      (s) => s.specifier.startsWith('@azure/') || s.specifier.startsWith('node:') || !s.specifier.startsWith('.'),
    );
    expect(bad).toEqual([]);
  });

  it('nothing it loads at run time imports a package or a Node built-in', () => {
    const closure = runtimeClosure(plannerFiles);
    const offenders = [...closure].flatMap(([file, sites]) =>
      sites.filter((s) => !s.typeOnly && !s.specifier.startsWith('.')).map((s) => `${file}: ${s.specifier}`),
    );
    expect(offenders).toEqual([]);
  });

  it.each(plannerFiles.map((f) => [f.slice(plannerDir.length + 1), f]))('%s reads no clock and draws no random number', (_name, file) => {
    const source = readFileSync(file, 'utf8');
    expect(source).not.toMatch(/Date\.now\s*\(|new Date\s*\(\s*\)|Math\.random|performance\.now|process\./);
  });
});
