import { describe, expect, it } from 'vitest';

import { SecretNotFoundError, secretNameFor, SecretStoreError } from '../../../../app/ports/secret-store.js';

const KEY_VAULT_SECRET_NAME = /^[0-9a-zA-Z-]{1,127}$/;

describe('secretNameFor', () => {
  it.each([
    ['group-account', '7f3c2a9e-41b5-4c8e-9d2f-0a1b2c3d4e5f'],
    ['connection', 'sap-prod'],
    ['connection', 'Contoso Finance / EU #1'],
    ['group-account', 'ümlaut_ünd_ß'],
    ['connection', '---'],
    ['connection', 'x'.repeat(500)],
  ] as const)('makes a valid Key Vault secret name for %s %s', (kind, id) => {
    const name = secretNameFor(kind, id);

    expect(name).toMatch(KEY_VAULT_SECRET_NAME);
    expect(name.startsWith(`${kind}-`)).toBe(true);
  });

  it('is stable: the same id always gives the same name', () => {
    expect(secretNameFor('connection', 'sap-prod')).toBe(secretNameFor('connection', 'sap-prod'));
    expect(secretNameFor('connection', 'sap-prod')).toBe('connection-sap-prod-c1938c223e97c9dc');
  });

  it('keeps ids apart that Key Vault would otherwise confuse (case, punctuation, truncation)', () => {
    const ids = ['Bot-1', 'bot-1', 'bot_1', 'bot.1', `${'a'.repeat(200)}1`, `${'a'.repeat(200)}2`];

    const names = ids.map((id) => secretNameFor('group-account', id).toLowerCase());

    expect(new Set(names).size).toBe(ids.length);
  });

  it('keeps kinds apart for the same id', () => {
    expect(secretNameFor('connection', 'shared-id')).not.toBe(secretNameFor('group-account', 'shared-id'));
  });

  it('refuses an empty id', () => {
    expect(() => secretNameFor('connection', '')).toThrow(RangeError);
  });
});

describe('SecretNotFoundError', () => {
  it('is a SecretStoreError with a stable code and the reference it missed', () => {
    const error = new SecretNotFoundError({ name: 'connection-x', version: 'abc' });

    expect(error).toBeInstanceOf(SecretStoreError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('SECRET_NOT_FOUND');
    expect(error.name).toBe('SecretNotFoundError');
    expect(error.reference).toEqual({ name: 'connection-x', version: 'abc' });
    expect(error.message).toBe("secret 'connection-x' (version abc) was not found");
  });
});
