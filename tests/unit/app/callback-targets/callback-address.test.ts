import { beforeEach, describe, expect, it, vi } from 'vitest';
import { checkCallbackHost, isBlockedAddress } from '../../../../app/callback-targets/callback-address.js';

// DNS is faked: each test says what a name resolves to, so several answers (one of them private) can be tried.
const dns = vi.hoisted(() => ({ lookup: vi.fn() }));
vi.mock('node:dns/promises', () => ({ lookup: dns.lookup, default: { lookup: dns.lookup } }));

const resolvesTo = (...addresses: [string, 4 | 6][]) => dns.lookup.mockResolvedValue(addresses.map(([address, family]) => ({ address, family })));

beforeEach(() => {
  dns.lookup.mockReset();
});

describe('checkCallbackHost', () => {
  it('takes an IP literal (IPv6 in brackets as URL.hostname gives it) as its own address, without asking DNS', async () => {
    expect(await checkCallbackHost('203.0.113.10', false)).toEqual({ ok: true, address: { address: '203.0.113.10', family: 4 } });
    expect(await checkCallbackHost('[2001:db8::10]', false)).toEqual({ ok: true, address: { address: '2001:db8::10', family: 6 } });
    expect(dns.lookup).not.toHaveBeenCalled();
  });

  it('resolves a name to every address, in DNS order, and answers the first: the one delivery connects to', async () => {
    resolvesTo(['198.51.100.7', 4], ['2001:db8::7', 6]);
    expect(await checkCallbackHost('hooks.example.com', false)).toEqual({ ok: true, address: { address: '198.51.100.7', family: 4 } });
    expect(dns.lookup).toHaveBeenCalledWith('hooks.example.com', { all: true, verbatim: true });
  });

  it('refuses a name when any of its addresses is private, even one after a public first', async () => {
    resolvesTo(['198.51.100.7', 4], ['10.0.0.5', 4]);
    expect(await checkCallbackHost('hooks.example.com', false)).toEqual({
      ok: false,
      reason: 'The host hooks.example.com resolves to 10.0.0.5, a private, loopback, link-local or reserved address.',
    });
  });

  it('refuses a private IP literal unless private addresses are allowed', async () => {
    expect(await checkCallbackHost('[::1]', false)).toMatchObject({ ok: false, reason: expect.stringContaining('resolves to ::1') });
    expect(await checkCallbackHost('[::1]', true)).toEqual({ ok: true, address: { address: '::1', family: 6 } });
  });

  it('allowing private addresses, answers the first of a private answer', async () => {
    resolvesTo(['127.0.0.1', 4], ['::1', 6]);
    expect(await checkCallbackHost('localhost', true)).toEqual({ ok: true, address: { address: '127.0.0.1', family: 4 } });
  });

  it('refuses a name that does not resolve, or resolves to no address, even where private addresses are allowed', async () => {
    dns.lookup.mockRejectedValueOnce(Object.assign(new Error('getaddrinfo ENOTFOUND gone.example.com'), { code: 'ENOTFOUND' }));
    expect(await checkCallbackHost('gone.example.com', true)).toEqual({ ok: false, reason: 'The host gone.example.com does not resolve.' });
    resolvesTo();
    expect(await checkCallbackHost('empty.example.com', true)).toEqual({ ok: false, reason: 'The host empty.example.com does not resolve.' });
  });
});

describe('isBlockedAddress at the edges of its ranges', () => {
  it.each([
    '100.64.0.0',
    '100.127.255.255',
    '172.31.255.255',
    '192.0.0.8',
    '198.18.0.1',
    '198.19.255.255',
    '240.0.0.1',
    '255.255.255.255',
    '::',
    'ff02::1',
    'febf::1',
    'fdff::1',
    '64:ff9b::a00:1',
    '::ffff:7f00:1',
  ])('blocks %s', (address) => {
    expect(isBlockedAddress(address)).toBe(true);
  });

  it.each(['100.63.255.255', '100.128.0.0', '172.15.255.255', '172.32.0.0', '198.17.255.255', '198.20.0.0', '223.255.255.255', 'fec0::1', '::ffff:cb00:710a'])(
    'lets %s through',
    (address) => {
      expect(isBlockedAddress(address)).toBe(false);
    },
  );
});
