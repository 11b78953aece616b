import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HttpRequest } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleAssetsDir, consoleHandler } from '../../../api/console/console-assets.js';
import { consoleBrowserConfig } from '../../../api/console/console-config.js';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = '0f8fad5b-d9cb-469f-a165-70867728950e';
// made before the handler below is (at collection), filled in beforeAll
const dir = mkdtempSync(path.join(tmpdir(), 'console-assets-'));

const get = (pathAndQuery: string, headers: Record<string, string> = {}) => {
  const url = `http://127.0.0.1:7071/api/console${pathAndQuery}`;
  const rest = pathAndQuery.replace(/^\//, '').split('?')[0] ?? '';
  return new HttpRequest({ url, method: 'GET', headers, params: pathAndQuery === '' ? {} : { path: rest } });
};

beforeAll(() => {
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>c</title>');
  writeFileSync(path.join(dir, 'console.js'), 'console.log(1)');
  writeFileSync(path.join(dir, 'console.css'), 'body{}');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the console route', () => {
  const handler = consoleHandler(dir, async () => ({
    AUTH_ISSUER: `https://login.microsoftonline.com/${TENANT}/v2.0`,
    AUTH_AUDIENCE: `api://hosted-rpa,${CLIENT}`,
  }));

  it.each([
    ['/', 'text/html; charset=utf-8'],
    ['/index.html', 'text/html; charset=utf-8'],
    ['/console.js', 'text/javascript; charset=utf-8'],
    ['/console.css', 'text/css; charset=utf-8'],
  ])('serves %s as %s, revalidated by ETag', async (asset, type) => {
    const first = await handler(get(asset));
    const headers = first.headers as Record<string, string>;
    expect(first.status).toBe(200);
    expect(headers['content-type']).toBe(type);
    expect(headers['cache-control']).toBe('no-cache');
    expect(headers['x-content-type-options']).toBe('nosniff');
    const again = await handler(get(asset, { 'if-none-match': headers.etag ?? '' }));
    expect(again.status).toBe(304);
  });

  it('redirects /api/console to /api/console/ so that relative URLs resolve', async () => {
    const answer = await handler(get(''));
    expect(answer.status).toBe(308);
    expect((answer.headers as Record<string, string>).location).toBe('/api/console/');
  });

  it('answers 404 for anything else, a path outside the folder included', async () => {
    for (const asset of ['/nope.js', '/../package.json', '/%2e%2e/host.json']) expect((await handler(get(asset))).status).toBe(404);
  });

  it('serves config.json from the auth settings, never cached', async () => {
    const answer = await handler(get('/config.json'));
    expect((answer.headers as Record<string, string>)['cache-control']).toBe('no-store');
    expect(answer.jsonBody).toEqual({
      entra: { clientId: CLIENT, authority: `https://login.microsoftonline.com/${TENANT}`, scopes: [`api://${CLIENT}/.default`] },
    });
  });
});

describe("the console's sign-in settings", () => {
  it('offers no Entra ID sign-in for another issuer (the local cloud) or an audience without a client id', () => {
    expect(consoleBrowserConfig({ AUTH_ISSUER: 'http://127.0.0.1:5000/local/v2.0', AUTH_AUDIENCE: 'api://hosted-rpa-local' })).toEqual({});
    expect(consoleBrowserConfig({ AUTH_ISSUER: `https://login.microsoftonline.com/${TENANT}/v2.0`, AUTH_AUDIENCE: 'api://hosted-rpa' })).toEqual({});
  });

  it('finds the assets beside the compiled functions, and from the sources under dist/', () => {
    expect(consoleAssetsDir('/app/dist/functions')).toBe(path.resolve('/app/dist/console'));
    expect(consoleAssetsDir('/repo/functions')).toBe(path.resolve('/repo/dist/console'));
  });
});
