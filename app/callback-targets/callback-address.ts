import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Addresses a callback may not reach unless ALLOW_PRIVATE_CALLBACKS: private, loopback, link-local, unique-local,
 * CGNAT, unspecified, multicast and other reserved ranges (IPv4-mapped IPv6 addresses are checked as IPv4).
 */
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family !== 6) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return blocked.check(mapped[1], 'ipv4');
  return blocked.check(address, 'ipv6');
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Why a host may not be called back, or the address to connect to (the one checked: no second DNS answer). */
export type AddressCheck = { ok: true; address: ResolvedAddress } | { ok: false; reason: string };

/**
 * Resolves `hostname` (every address) and refuses it when any address is blocked, unless `allowPrivate`.
 * Answers the first address, which the delivery connects to, so that a DNS answer changed between check and
 * connect (rebinding) cannot redirect it.
 */
export async function checkCallbackHost(hostname: string, allowPrivate: boolean): Promise<AddressCheck> {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  let addresses: ResolvedAddress[];
  try {
    addresses = isIP(host) ? [{ address: host, family: isIP(host) as 4 | 6 }] : ((await lookup(host, { all: true, verbatim: true })) as ResolvedAddress[]);
  } catch {
    return { ok: false, reason: `The host ${host} does not resolve.` };
  }
  const first = addresses[0];
  if (!first) return { ok: false, reason: `The host ${host} does not resolve.` };
  if (!allowPrivate) {
    const bad = addresses.find((a) => isBlockedAddress(a.address));
    if (bad) return { ok: false, reason: `The host ${host} resolves to ${bad.address}, a private, loopback, link-local or reserved address.` };
  }
  return { ok: true, address: first };
}
