import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The app's entry files, from package.json `main` as the Functions host reads it (`dist/functions/*.js`),
 * mapped back to their TypeScript sources so the local host runs the code under edit.
 */
export function appEntryFiles(appDir: string): string[] {
  const pkg = JSON.parse(readFileSync(path.join(appDir, 'package.json'), 'utf8')) as { main?: unknown };
  if (typeof pkg.main !== 'string') throw new Error('package.json has no "main": the Functions host would find no functions.');
  const sourcePattern = pkg.main.replace(/^(\.\/)?dist\//, '').replace(/\.js$/, '.ts');
  const dir = path.join(appDir, path.dirname(sourcePattern));
  const base = path.basename(sourcePattern);
  if (!base.includes('*')) return [path.join(appDir, sourcePattern)];
  const matcher = new RegExp(
    '^' +
      base
        .split('*')
        .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*') +
      '$',
  );
  return readdirSync(dir)
    .filter((f) => matcher.test(f) && !f.endsWith('.d.ts'))
    .sort()
    .map((f) => path.join(dir, f));
}

export async function loadApp(appDir: string): Promise<string[]> {
  const files = appEntryFiles(appDir);
  for (const file of files) {
    await import(pathToFileURL(file).href);
  }
  return files;
}
