import { describe, expect, it } from 'vitest';
import { credentialMatches, KEY_VAULT_SECRET_URI, keyVaultSecretReference } from '../../../domain/credential.js';

const VAULT = 'https://rpa-kv.vault.azure.net';

describe('keyVaultSecretReference', () => {
  it.each<[string, string, ReturnType<typeof keyVaultSecretReference>]>([
    ['the latest version', `${VAULT}/secrets/runner`, { ref: { name: 'runner' } }],
    ['a trailing slash', `${VAULT}/secrets/runner/`, { ref: { name: 'runner' } }],
    ['a pinned version', `${VAULT}/secrets/runner/0123456789abcdef0123456789abcdef`, { ref: { name: 'runner', version: '0123456789abcdef0123456789abcdef' } }],
    ["the vault's host in another case", 'https://RPA-KV.vault.azure.net/secrets/runner', { ref: { name: 'runner' } }],
    ['another vault', 'https://other.vault.azure.net/secrets/runner', { refused: 'OtherVault' }],
    ['another port of the same host', 'https://rpa-kv.vault.azure.net:8443/secrets/runner', { refused: 'OtherVault' }],
    ['http', 'http://rpa-kv.vault.azure.net/secrets/runner', { refused: 'Malformed' }],
    ['a key, not a secret', `${VAULT}/keys/runner`, { refused: 'Malformed' }],
    ['a query', `${VAULT}/secrets/runner?api-version=7.4`, { refused: 'Malformed' }],
    ['a name Key Vault refuses', `${VAULT}/secrets/run_ner`, { refused: 'Malformed' }],
    ['too many segments', `${VAULT}/secrets/runner/v1/extra`, { refused: 'Malformed' }],
    ['no name', `${VAULT}/secrets/`, { refused: 'Malformed' }],
    ['not a URL', 'runner', { refused: 'Malformed' }],
  ])('%s', (_case, uri, expected) => {
    expect(keyVaultSecretReference(uri, `${VAULT}/`)).toEqual(expected);
  });

  it('the edge pattern lets through only the shapes the parser accepts', () => {
    expect(KEY_VAULT_SECRET_URI.test(`${VAULT}/secrets/runner`)).toBe(true);
    expect(KEY_VAULT_SECRET_URI.test(`${VAULT}/secrets/runner/abc123`)).toBe(true);
    expect(KEY_VAULT_SECRET_URI.test(`${VAULT}/secrets/run ner`)).toBe(false);
    expect(KEY_VAULT_SECRET_URI.test(`http://rpa-kv/secrets/runner`)).toBe(false);
  });
});

describe('credentialMatches', () => {
  it("holds only for the group's current account version", () => {
    const credential = { matches: { g1: 2, g2: 1 } };
    expect(credentialMatches(credential, 'g1', 2)).toBe(true);
    expect(credentialMatches(credential, 'g1', 3)).toBe(false);
    expect(credentialMatches(credential, 'g3', 1)).toBe(false);
  });
});
