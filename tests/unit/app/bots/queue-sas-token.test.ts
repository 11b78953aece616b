import { describe, expect, it } from 'vitest';
import { checkSasToken, grantAllows } from '../../../../local/servicebus/sas.js';
import { signEntitySasToken } from '../../../../app/bots/queue-sas-token.js';

const RULE = { keyName: 'bot-listen', key: 'listen-key', rights: ['Listen' as const] };
const NOW = Date.parse('2026-12-06T12:00:00Z');

function sign(entityPath: string, expiresInMs = 3_600_000) {
  return signEntitySasToken({
    fullyQualifiedNamespace: 'ns.servicebus.windows.net',
    entityPath,
    keyName: RULE.keyName,
    key: RULE.key,
    expiresOn: new Date(NOW + expiresInMs),
  });
}

describe('signEntitySasToken', () => {
  it('signs a token the service accepts, scoped to the one queue with the rule rights', () => {
    const checked = checkSasToken(sign('group-A').token, [RULE], NOW);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(grantAllows(checked.grant, '/group-a', 'Listen', NOW)).toBe(true);
    expect(grantAllows(checked.grant, '/group-b', 'Listen', NOW)).toBe(false);
    expect(grantAllows(checked.grant, '/group-a', 'Send', NOW)).toBe(false);
  });

  it('expires at the whole second it names', () => {
    const { token, expiresOn } = sign('group-a', 1_500);
    expect(expiresOn.getTime()).toBe(NOW + 1_000);
    expect(checkSasToken(token, [RULE], NOW + 1_000).ok).toBe(false);
  });

  it('is refused under another key', () => {
    expect(checkSasToken(sign('group-a').token, [{ ...RULE, key: 'other' }], NOW).ok).toBe(false);
  });
});
