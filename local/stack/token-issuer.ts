import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';

/**
 * The local stand-in for Entra ID: an RS256 key pair made at every start, a JWKS and OpenID metadata served
 * over HTTP, and tokens shaped like Entra ID v2 access tokens (`oid`, `name`, `roles`, `idtyp`).
 */
export interface IssuerState {
  issuer: string;
  audience: string;
  jwksUri: string;
  keyId: string;
  /** private JWK; lives only in memory and in the stack's state file (mode 0600) under .local-cloud/ */
  privateJwk: JWK;
}

export interface TokenRequest {
  userId: string;
  name?: string;
  platformAdmin?: boolean;
  /** `app` for service principals, as Entra ID sets it */
  identityType?: 'user' | 'app';
  lifetimeSeconds?: number;
}

export const LOCAL_AUDIENCE = 'api://hosted-rpa-local';
export const PLATFORM_ADMIN_ROLE = 'Platform.Admin';

export async function mintToken(state: IssuerState, request: TokenRequest): Promise<string> {
  const key = await importJWK(state.privateJwk, 'RS256');
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    oid: request.userId,
    sub: request.userId,
    name: request.name ?? request.userId,
    roles: request.platformAdmin ? [PLATFORM_ADMIN_ROLE] : [],
    tid: 'local',
    ver: '2.0',
  };
  if (request.identityType === 'app') claims.idtyp = 'app';
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: state.keyId, typ: 'JWT' })
    .setIssuer(state.issuer)
    .setAudience(state.audience)
    .setIssuedAt(now)
    .setNotBefore(now - 5)
    .setExpirationTime(now + (request.lifetimeSeconds ?? 3600))
    .sign(key);
}

export interface TokenIssuer {
  state: IssuerState;
  close(): Promise<void>;
}

export async function startTokenIssuer(): Promise<TokenIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const keyId = `local-${Date.now().toString(36)}`;
  const publicJwk = { ...(await exportJWK(publicKey)), kid: keyId, use: 'sig', alg: 'RS256' };
  const privateJwk = { ...(await exportJWK(privateKey)), kid: keyId, alg: 'RS256' };
  let issuer = '';
  let jwksUri = '';
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    if (path === '/local/discovery/v2.0/keys') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' });
      res.end(JSON.stringify({ keys: [publicJwk] }));
    } else if (path === '/local/v2.0/.well-known/openid-configuration') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ issuer, jwks_uri: jwksUri, id_token_signing_alg_values_supported: ['RS256'] }));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  issuer = `${base}/local/v2.0`;
  jwksUri = `${base}/local/discovery/v2.0/keys`;
  return {
    state: { issuer, audience: LOCAL_AUDIENCE, jwksUri, keyId, privateJwk },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
