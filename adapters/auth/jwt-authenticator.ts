import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { AppError } from '../../domain/errors/app-error.js';
import { PLATFORM_ADMIN_ROLE, type Principal } from '../../domain/principal.js';

export interface Authenticator {
  /** the Principal behind an `Authorization` header, or AppError(Unauthenticated) */
  authenticate(authorization: string | null | undefined): Promise<Principal>;
}

export interface JwtAuthenticatorOptions {
  issuer: string;
  /** one or more accepted audiences: Entra ID v2 tokens carry the API's client id, v1 tokens its app id URI */
  audience: string | string[];
  jwksUri: string;
  /** tolerated clock difference */
  clockToleranceSeconds?: number;
}

const BEARER = /^Bearer\s+([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*)\s*$/;

/**
 * Validates Entra ID v2 access tokens (RS256, issuer, audience, lifetime) against the tenant's JWKS; unknown
 * key ids trigger one JWKS refresh (key rollover). `alg: none`, expired, not-yet-valid, wrong issuer or
 * audience and forged signatures are all 401.
 */
export class JwtAuthenticator implements Authenticator {
  readonly #jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly options: JwtAuthenticatorOptions) {
    this.#jwks = createRemoteJWKSet(new URL(options.jwksUri), { cooldownDuration: 30_000, cacheMaxAge: 3_600_000 });
  }

  async authenticate(authorization: string | null | undefined): Promise<Principal> {
    const match = BEARER.exec(authorization ?? '');
    if (!match?.[1]) throw new AppError('Unauthenticated', 'Send an Authorization header with a bearer token.');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(match[1], this.#jwks, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: ['RS256'],
        clockTolerance: this.options.clockToleranceSeconds ?? 60,
        requiredClaims: ['exp', 'oid'],
      }));
    } catch (err) {
      throw new AppError('Unauthenticated', describeTokenFailure(err));
    }
    return toPrincipal(payload);
  }
}

function describeTokenFailure(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'The bearer token has expired.';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `The bearer token was refused (${err.claim} claim).`;
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'The bearer token is signed with an unknown key.';
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'The bearer token signature is not valid.';
  return 'The bearer token is not valid.';
}

function toPrincipal(payload: JWTPayload): Principal {
  const oid = payload.oid;
  if (typeof oid !== 'string' || oid.length === 0 || oid.length > 128) {
    throw new AppError('Unauthenticated', 'The bearer token has no valid oid claim.');
  }
  const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];
  return {
    userId: oid,
    name: typeof payload.name === 'string' ? payload.name : oid,
    platformAdmin: roles.includes(PLATFORM_ADMIN_ROLE),
    isApp: payload.idtyp === 'app',
  };
}
