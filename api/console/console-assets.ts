import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { AppConfig } from '../../app/config/app-config.js';
import { consoleBrowserConfig } from './console-config.js';

/** The built console (npm run build:console), as the package holds it: `dist/console/` beside `dist/functions/`. */
export function consoleAssetsDir(functionsDir: string): string {
  // compiled: <root>/dist/functions → <root>/dist/console; the local host runs sources: <root>/functions → <root>/dist/console
  const root = path.basename(path.dirname(functionsDir)) === 'dist' ? path.resolve(functionsDir, '../..') : path.resolve(functionsDir, '..');
  return path.join(root, 'dist', 'console');
}

const ASSETS: Record<string, { file: string; type: string }> = {
  '': { file: 'index.html', type: 'text/html; charset=utf-8' },
  'index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  'console.js': { file: 'console.js', type: 'text/javascript; charset=utf-8' },
  'console.css': { file: 'console.css', type: 'text/css; charset=utf-8' },
};

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' https://login.microsoftonline.com; frame-src https://login.microsoftonline.com; frame-ancestors 'none'; base-uri 'self'",
};

function notFound(): HttpResponseInit {
  return { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS }, body: 'Not found.' };
}

/**
 * `GET /api/console/{*path}`: the console's static files (kept in memory until rebuilt), and `config.json` from the app
 * settings. Anonymous: nothing here is data; every view asks the API with the signed-in user's token. Assets are
 * revalidated on every load (`no-cache` + ETag): one file name per asset, and a deployment must show at once.
 */
export function consoleHandler(assetsDir: string, config: () => Promise<Pick<AppConfig, 'AUTH_ISSUER' | 'AUTH_AUDIENCE'>>) {
  const cache = new Map<string, { body: Buffer; etag: string; mtimeMs: number }>();
  const read = (file: string) => {
    const full = path.join(assetsDir, file);
    // a rebuild (npm run build:console) shows without restarting the local host
    const { mtimeMs } = statSync(full);
    let entry = cache.get(file);
    if (!entry || entry.mtimeMs !== mtimeMs) {
      const body = readFileSync(full);
      entry = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`, mtimeMs };
      cache.set(file, entry);
    }
    return entry;
  };
  return async (request: HttpRequest): Promise<HttpResponseInit> => {
    const url = new URL(request.url);
    // `/api/console` without its slash: the page's relative URLs need it
    if (/\/console$/i.test(url.pathname)) return { status: 308, headers: { location: `${url.pathname}/${url.search}` } };
    const name = request.params.path ?? '';
    if (name === 'config.json') {
      return {
        status: 200,
        headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...SECURITY_HEADERS },
        jsonBody: consoleBrowserConfig(await config()),
      };
    }
    const asset = ASSETS[name];
    if (!asset) return notFound();
    let entry: { body: Buffer; etag: string };
    try {
      entry = read(asset.file);
    } catch {
      return notFound();
    }
    const headers = { 'content-type': asset.type, 'cache-control': 'no-cache', etag: entry.etag, ...SECURITY_HEADERS };
    if (request.headers.get('if-none-match') === entry.etag) return { status: 304, headers };
    return { status: 200, headers, body: entry.body };
  };
}

/** The console's function: static assets, not an API operation, so the OpenAPI documents leave it out. */
export const CONSOLE_FUNCTION = 'console';
