import { generateKeyPair, importJWK, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { apiRoutes } from '../../../api/routes/index.js';
import { mintToken } from '../../../local/stack/token-issuer.js';
import { ApiClient, anonymousClient, localCloud } from '../../support/api-client.js';

const someGuid = '6f9619ff-8b86-d011-b42d-00c04fc964ff';
const pathOf = (template: string) => template.replace(/\{[^}]+\}/g, someGuid);

function unsigned(claims: Record<string, unknown>): string {
  const encode = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`;
}

async function forged(kid: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256');
  const { issuer, audience } = localCloud().issuer;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ oid: 'mallory', roles: ['Platform.Admin'], ...overrides })
    .setProtectedHeader({ alg: 'RS256', kid })
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .sign(privateKey);
}

async function signedWith(claims: Record<string, unknown>, options: { issuer?: string; audience?: string; exp?: number; nbf?: number }): Promise<string> {
  const { issuer, audience, privateJwk, keyId } = localCloud().issuer;
  const key = await importJWK(privateJwk, 'RS256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ oid: 'alice', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: keyId })
    .setIssuer(options.issuer ?? issuer)
    .setAudience(options.audience ?? audience)
    .setIssuedAt(now)
    .setNotBefore(options.nbf ?? now - 5)
    .setExpirationTime(options.exp ?? now + 600)
    .sign(key);
}

describe('authentication', () => {
  it.each(apiRoutes.map((r) => [r.method, r.route] as const))('%s /api/%s answers 401 problem+json without a token', async (method, route) => {
    const res = await anonymousClient().request(method, pathOf(route), method === 'GET' || method === 'DELETE' ? undefined : {});
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body).toMatchObject({ status: 401, code: 'Unauthenticated' });
  });

  it('serves health, openapi.json and swagger.json anonymously', async () => {
    for (const path of ['health', 'openapi.json', 'swagger.json']) expect((await anonymousClient().get(path)).status).toBe(200);
  });

  it('refuses unsigned, expired, not-yet-valid, wrong-issuer, wrong-audience, forged and unknown-key tokens', async () => {
    const now = Math.floor(Date.now() / 1000);
    const { issuer, audience } = localCloud().issuer;
    const cases: Record<string, string> = {
      'alg none': unsigned({ oid: 'alice', iss: issuer, aud: audience, exp: now + 600, roles: ['Platform.Admin'] }),
      expired: await signedWith({}, { exp: now - 3600 }),
      'not yet valid': await signedWith({}, { nbf: now + 3600 }),
      'wrong issuer': await signedWith({}, { issuer: 'https://login.microsoftonline.com/someone-else/v2.0' }),
      'wrong audience': await signedWith({}, { audience: 'api://another-api' }),
      'forged signature (known kid)': await forged(localCloud().issuer.keyId),
      'unknown key id': await forged('no-such-key'),
      'no oid claim': await signedWith({ oid: undefined }, {}),
      garbage: 'not-a-jwt',
    };
    for (const [name, token] of Object.entries(cases)) {
      const res = await new ApiClient(localCloud().baseUrl, token, 'x').post('environments', { name: 'x', geography: 'US', plan: 'paid', capacity: 1 });
      expect(res.status, name).toBe(401);
      expect(res.body.code, name).toBe('Unauthenticated');
    }
  });

  it('accepts a valid token, including an app-only (service principal) caller', async () => {
    const token = await mintToken(localCloud().issuer, { userId: 'flow-sp', identityType: 'app', platformAdmin: true });
    const res = await new ApiClient(localCloud().baseUrl, token, 'flow-sp').post('environments', { name: 'Flows', geography: 'UK', plan: 'paid', capacity: 3 });
    expect(res.status).toBe(201);
  });

  it('never shows a stack trace or token detail in a 401', async () => {
    const res = await new ApiClient(localCloud().baseUrl, 'a.b.c', 'x').get(`environments/${someGuid}`);
    expect(res.status).toBe(401);
    expect(res.text).not.toMatch(/at .*\.(ts|js):\d+|jose|JWS/);
  });
});
