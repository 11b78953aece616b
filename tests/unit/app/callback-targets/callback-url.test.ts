import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../domain/errors/app-error.js';
import { isBlockedAddress } from '../../../../app/callback-targets/callback-address.js';
import { validateCallbackUrl } from '../../../../app/callback-targets/callback-url.js';

const STRICT = { ALLOW_HTTP_CALLBACKS: false, ALLOW_PRIVATE_CALLBACKS: false };
const LOCAL = { ALLOW_HTTP_CALLBACKS: true, ALLOW_PRIVATE_CALLBACKS: true };

async function refusal(config: typeof STRICT, url: string): Promise<AppError> {
  const err = await validateCallbackUrl(config, url).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof AppError)) throw new Error(`${url} was accepted`);
  return err;
}

describe('callback URL validation', () => {
  it.each([
    ['not absolute', '/hooks/run-ended'],
    ['not a URL', 'callback please'],
    ['http without ALLOW_HTTP_CALLBACKS', 'http://203.0.113.10/hook'],
    ['another scheme', 'ftp://203.0.113.10/hook'],
    ['user info', 'https://user:pw@203.0.113.10/hook'],
    ['longer than 2,048 characters', `https://203.0.113.10/${'a'.repeat(2048)}`],
    ['loopback', 'https://127.0.0.1/hook'],
    ['loopback IPv6', 'https://[::1]/hook'],
    ['private 10/8', 'https://10.1.2.3/hook'],
    ['private 172.16/12', 'https://172.20.0.1/hook'],
    ['private 192.168/16', 'https://192.168.1.1/hook'],
    ['link-local (metadata endpoint)', 'https://169.254.169.254/latest'],
    ['link-local IPv6', 'https://[fe80::1]/hook'],
    ['unique-local IPv6', 'https://[fd00::1]/hook'],
    ['CGNAT', 'https://100.64.0.1/hook'],
    ['unspecified', 'https://0.0.0.0/hook'],
    ['multicast', 'https://224.0.0.1/hook'],
    ['IPv4-mapped loopback', 'https://[::ffff:127.0.0.1]/hook'],
    ['a host that does not resolve', 'https://no-such-host.invalid/hook'],
  ])('refuses %s: 400 naming callbackUrl', async (_case, url) => {
    const err = await refusal(STRICT, url);
    expect(err.status).toBe(400);
    expect(err.options.errors?.map((e) => e.field)).toEqual(['callbackUrl']);
  });

  it('accepts an https URL of a public address, and loopback http where the settings allow it', async () => {
    await expect(validateCallbackUrl(STRICT, 'https://203.0.113.10/hook?sig=abc')).resolves.toBe('https://203.0.113.10/hook?sig=abc');
    await expect(validateCallbackUrl(LOCAL, 'http://127.0.0.1:8080/hook')).resolves.toBe('http://127.0.0.1:8080/hook');
  });

  it('blocks by address, not by spelling', () => {
    expect(isBlockedAddress('8.8.8.8')).toBe(false);
    expect(isBlockedAddress('2001:4860:4860::8888')).toBe(false);
    expect(isBlockedAddress('127.10.0.1')).toBe(true);
    expect(isBlockedAddress('::ffff:10.0.0.1')).toBe(true);
    expect(isBlockedAddress('not-an-ip')).toBe(true);
  });
});
