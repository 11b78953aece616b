import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type http from 'node:http';
import { SESSION_TOKEN_KEY, type StoredToken } from '../../console/src/session-key.js';
import { mintToken, type IssuerState } from '../stack/token-issuer.js';

/** Where the local host serves the sign-in page (beside the API; never in the deployed package). */
export const LOCAL_SIGN_IN_PATH = '/api/local/sign-in';
const LIFETIME_SECONDS = 8 * 3600;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:420px;margin:40px auto;padding:0 16px}label{display:block;margin:12px 0 4px}input[type=text]{width:100%;padding:6px;font:inherit}button{margin-top:16px;padding:6px 16px;font:inherit}.note{color:#5a636e}</style></head><body>${body}</body></html>`;
}

export function signInForm(error?: string): string {
  return page(
    'Local sign-in',
    `<h1>Local sign-in</h1>
<p class="note">The local cloud's stand-in for Entra ID: any user id signs in. This page exists only on the local cloud.</p>
${error ? `<p role="alert" style="color:#a4262c">${escapeHtml(error)}</p>` : ''}
<form method="post" action="sign-in">
<label for="userId">User id</label><input type="text" id="userId" name="userId" required maxlength="100" autocomplete="username" autofocus>
<label for="name">Display name (optional)</label><input type="text" id="name" name="name" maxlength="100">
<label><input type="checkbox" name="platformAdmin" value="true"> Platform.Admin (may create environments)</label>
<button type="submit">Sign in</button>
</form>`,
  );
}

/** The page a successful sign-in answers: it leaves the token in this tab's session storage and opens the console. */
export function signedInPage(stored: StoredToken): string {
  const json = JSON.stringify(stored).replace(/</g, '\\u003c');
  return page(
    'Signed in',
    `<p>Signed in as ${escapeHtml(stored.userId)}. Opening the console…</p>
<script>sessionStorage.setItem(${JSON.stringify(SESSION_TOKEN_KEY)}, ${JSON.stringify(json)}); location.replace('../console/');</script>`,
  );
}

/** The issuer of the stack this host belongs to, as `npm run token` finds it (the stack's state file). */
export function issuerFromStackFile(stackFile: string): IssuerState | undefined {
  if (!existsSync(stackFile)) return undefined;
  return (JSON.parse(readFileSync(stackFile, 'utf8')) as { issuer: IssuerState }).issuer;
}

function send(res: http.ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(html);
}

/** `GET /api/local/sign-in`: the form; `POST` (form-encoded userId, name, platformAdmin): a token from the local issuer. */
export function localSignInRoute(stateDir: string) {
  return async (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> => {
    if (req.method === 'GET') return send(res, 200, signInForm());
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'GET, POST' });
      res.end();
      return;
    }
    const form = new URLSearchParams(body.toString('utf8'));
    const userId = (form.get('userId') ?? '').trim();
    if (!/^[A-Za-z0-9._@-]{1,100}$/.test(userId)) return send(res, 400, signInForm('A user id is 1 to 100 letters, digits, or . _ @ -.'));
    const issuer = issuerFromStackFile(path.join(stateDir, 'stack.json'));
    if (!issuer) return send(res, 503, signInForm('The local stack has no token issuer state (is it still starting?).'));
    const name = (form.get('name') ?? '').trim();
    const accessToken = await mintToken(issuer, {
      userId,
      ...(name ? { name } : {}),
      platformAdmin: form.get('platformAdmin') === 'true',
      lifetimeSeconds: LIFETIME_SECONDS,
    });
    send(res, 200, signedInPage({ accessToken, userId, expiresAt: new Date(Date.now() + LIFETIME_SECONDS * 1000).toISOString() }));
  };
}
