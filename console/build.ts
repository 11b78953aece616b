import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/** The console's source folder and where its built assets go (dist/console: one JS, one CSS, index.html). */
export const CONSOLE_SOURCE = import.meta.dirname;
export function consoleAssetsIn(root: string): string {
  return path.join(root, 'dist', 'console');
}

/** Bundles the console into `outDir`: console.js (preact, MSAL and the app, minified), console.css, index.html. */
export async function buildConsole(outDir: string): Promise<string[]> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: { console: path.join(CONSOLE_SOURCE, 'src/main.tsx'), 'console-styles': path.join(CONSOLE_SOURCE, 'styles.css') },
    outdir: outDir,
    bundle: true,
    format: 'esm',
    target: ['es2022'],
    platform: 'browser',
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    logLevel: 'warning',
    tsconfig: path.join(CONSOLE_SOURCE, 'tsconfig.json'),
  });
  // esbuild names a CSS entry after its key; the page links console.css
  copyFileSync(path.join(outDir, 'console-styles.css'), path.join(outDir, 'console.css'));
  rmSync(path.join(outDir, 'console-styles.css'));
  copyFileSync(path.join(CONSOLE_SOURCE, 'index.html'), path.join(outDir, 'index.html'));
  return ['console.js', 'console.css', 'index.html'];
}

// `npm run build:console` (and `npm start`, before the local cloud starts)
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = performance.now();
  const out = consoleAssetsIn(path.resolve(CONSOLE_SOURCE, '..'));
  await buildConsole(out);
  process.stdout.write(`console built in ${((performance.now() - started) / 1000).toFixed(1)} s: ${out}\n`);
}
