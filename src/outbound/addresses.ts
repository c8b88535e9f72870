import { BlockList, isIP } from 'node:net';

/**
 * Addresses that are not on the public internet: loopback, private (RFC 1918, RFC 4193),
 * link-local (cloud metadata services live there), shared (RFC 6598), documentation,
 * benchmarking, multicast and reserved ranges (IANA special-purpose registries,
 * RFC 6890). A push to any of them is a request into the issuer's own network.
 */
const SPECIAL = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) SPECIAL.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 127], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001::', 23], ['2001:db8::', 32], ['2002::', 16],
  ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) SPECIAL.addSubnet(net, prefix, 'ipv6');

/** True for an IP address on the public internet; false for special-purpose ones and non-addresses. */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 4) return !SPECIAL.check(bare, 'ipv4');
  if (family !== 6) return false;
  // IPv4-mapped and -compatible forms reach the IPv4 address they carry
  const mapped = /^(?:0{0,4}:){0,5}(?:ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(bare) ?? /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(bare);
  if (mapped) return mapped.length === 2 ? isPublicAddress(mapped[1]) : isPublicAddress(fromHex(mapped[1], mapped[2]));
  return !SPECIAL.check(bare, 'ipv6');
}

function fromHex(high: string, low: string): string {
  const [h, l] = [parseInt(high, 16), parseInt(low, 16)];
  return [h >> 8, h & 255, l >> 8, l & 255].join('.');
}
