import { jwtVerify, SignJWT } from 'jose';
import type { BotIdentity } from '../../domain/bot-identity.js';
import { AppError } from '../../domain/errors/app-error.js';

export const BOT_CREDENTIAL_ISSUER = 'hosted-rpa-control-plane';
export const BOT_CREDENTIAL_AUDIENCE = 'hosted-rpa-bot-agent';

/** What a bot credential proves (domain/bot-identity.ts). */
export type { BotIdentity };

/** The signing key: 32+ random bytes kept in the secret store, never in Cosmos or settings. */
export type SigningKeySource = () => Promise<Uint8Array>;

/**
 * Bot credentials: HS256 tokens signed by the control plane, bound to one bot id, group and credential
 * version. Rotation is a new version at reprovision; revocation is the bot record's version or state moving
 * on (checked by the caller against the bots container). User routes never accept them: their issuer and
 * audience are not Entra ID's.
 */
export class BotCredentials {
  constructor(
    private readonly signingKey: SigningKeySource,
    private readonly lifetimeSeconds = 30 * 24 * 3600,
  ) {}

  async issue(identity: BotIdentity, now: Date): Promise<string> {
    const iat = Math.floor(now.getTime() / 1000);
    return new SignJWT({ env: identity.environmentId, grp: identity.groupId, ver: identity.credentialVersion })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(identity.botId)
      .setIssuer(BOT_CREDENTIAL_ISSUER)
      .setAudience(BOT_CREDENTIAL_AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.lifetimeSeconds)
      .sign(await this.signingKey());
  }

  async verify(authorization: string | null | undefined): Promise<BotIdentity> {
    const token = /^Bearer\s+(\S+)$/.exec(authorization ?? '')?.[1];
    if (!token) throw new AppError('Unauthenticated', 'Send the bot credential as a bearer token.');
    try {
      const { payload } = await jwtVerify(token, await this.signingKey(), {
        issuer: BOT_CREDENTIAL_ISSUER,
        audience: BOT_CREDENTIAL_AUDIENCE,
        algorithms: ['HS256'],
        requiredClaims: ['sub', 'exp'],
      });
      const { env, grp, ver, sub } = payload;
      if (typeof env !== 'string' || typeof grp !== 'string' || typeof ver !== 'number' || typeof sub !== 'string') throw new Error('claims');
      return { environmentId: env, groupId: grp, botId: sub, credentialVersion: ver };
    } catch {
      throw new AppError('Unauthenticated', 'The bot credential is not valid.');
    }
  }
}
