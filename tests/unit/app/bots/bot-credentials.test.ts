import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { BOT_CREDENTIAL_AUDIENCE, BOT_CREDENTIAL_ISSUER, BotCredentials } from '../../../../app/bots/bot-credentials.js';

const key = new Uint8Array(48).fill(7);
const credentials = new BotCredentials(async () => key);
const identity = { environmentId: 'e1', groupId: 'g1', botId: 'b1', credentialVersion: 3 };
const now = new Date();

describe('bot credentials', () => {
  it('round-trips the bot, group, environment and credential version', async () => {
    const token = await credentials.issue(identity, now);
    expect(await credentials.verify(`Bearer ${token}`)).toEqual(identity);
  });

  it('refuses a token signed with another key, an expired one, one for users, and none at all', async () => {
    const other = new BotCredentials(async () => new Uint8Array(48).fill(9));
    await expect(credentials.verify(`Bearer ${await other.issue(identity, now)}`)).rejects.toMatchObject({ code: 'Unauthenticated' });
    const expired = new BotCredentials(async () => key, 1);
    await expect(credentials.verify(`Bearer ${await expired.issue(identity, new Date(Date.now() - 3_600_000))}`)).rejects.toMatchObject({
      code: 'Unauthenticated',
    });
    const userLike = await new SignJWT({ env: 'e1', grp: 'g1', ver: 1 })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('b1')
      .setIssuer('https://login.microsoftonline.com/t/v2.0')
      .setAudience(BOT_CREDENTIAL_AUDIENCE)
      .setExpirationTime('1h')
      .sign(key);
    await expect(credentials.verify(`Bearer ${userLike}`)).rejects.toMatchObject({ code: 'Unauthenticated' });
    await expect(credentials.verify(undefined)).rejects.toMatchObject({ code: 'Unauthenticated' });
  });

  it('refuses a token whose claims are of the wrong type', async () => {
    const odd = await new SignJWT({ env: 1, grp: 'g1', ver: '1' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('b1')
      .setIssuer(BOT_CREDENTIAL_ISSUER)
      .setAudience(BOT_CREDENTIAL_AUDIENCE)
      .setExpirationTime('1h')
      .sign(key);
    await expect(credentials.verify(`Bearer ${odd}`)).rejects.toMatchObject({ code: 'Unauthenticated' });
  });
});
