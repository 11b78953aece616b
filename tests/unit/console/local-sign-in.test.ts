import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localSignInRoute, signedInPage, signInForm } from '../../../local/console/local-sign-in.js';
import { startTokenIssuer, type TokenIssuer } from '../../../local/stack/token-issuer.js';

let issuer: TokenIssuer;
let server: http.Server;
let url = '';
const stateDir = mkdtempSync(path.join(tmpdir(), 'local-sign-in-'));

beforeAll(async () => {
  issuer = await startTokenIssuer();
  writeFileSync(path.join(stateDir, 'stack.json'), JSON.stringify({ issuer: issuer.state }));
  const route = localSignInRoute(stateDir);
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void route(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/local/sign-in`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await issuer.close();
  rmSync(stateDir, { recursive: true, force: true });
});

const post = (form: Record<string, string>) => fetch(url, { method: 'POST', body: new URLSearchParams(form) });

describe("the local cloud's sign-in page", () => {
  it('serves a labelled form', async () => {
    const page = await (await fetch(url)).text();
    expect(page).toContain('<label for="userId">User id</label>');
    expect(page).toContain('method="post"');
  });

  it('mints a token of the local issuer for the user, Platform.Admin when asked, and opens the console', async () => {
    const answer = await post({ userId: 'alice', name: 'Alice', platformAdmin: 'true' });
    expect(answer.status).toBe(200);
    const page = await answer.text();
    expect(page).toContain("location.replace('../console/')");
    const token = /\\"accessToken\\":\\"([^\\]+)\\"/.exec(page)?.[1] ?? '';
    expect(decodeJwt(token)).toMatchObject({ oid: 'alice', name: 'Alice', roles: ['Platform.Admin'], iss: issuer.state.issuer, aud: issuer.state.audience });
  });

  it('refuses a user id that is not one, and other methods', async () => {
    expect((await post({ userId: '<script>' })).status).toBe(400);
    expect((await post({ userId: '' })).status).toBe(400);
    expect((await fetch(url, { method: 'PUT' })).status).toBe(405);
  });

  it('escapes what it writes into its pages', () => {
    expect(signInForm('<b>x</b>')).not.toContain('<b>x</b>');
    expect(signedInPage({ accessToken: 'a</script><script>alert(1)</script>', userId: 'u', expiresAt: 'now' })).not.toContain('</script><script>alert');
  });
});
