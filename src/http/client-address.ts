/**
 * The client address for throttling and risk signals: the socket peer, unless the
 * peer is a configured trusted proxy (TRUSTED_PROXIES); then X-Forwarded-For is read
 * from the right, skipping trusted hops, and the first untrusted address is the
 * client. X-Forwarded-For from anyone else is ignored: it is client-controlled.
 */
import { BlockList, isIP } from 'node:net';

/** Compiles TRUSTED_PROXIES entries (addresses or CIDR blocks) once. */
export function trustedProxyList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefix] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return list;
}

/** The client's address given the socket peer and the X-Forwarded-For header value. */
export function clientAddress(peer: string | undefined, forwardedFor: string | undefined, trusted: BlockList): string {
  let current = normalise(peer ?? '') ?? 'unknown';
  if (!forwardedFor) return current;
  const hops = forwardedFor.split(',');
  while (isTrusted(current, trusted) && hops.length > 0) {
    const next = normalise(hops.pop() as string);
    if (next === undefined) return current;
    current = next;
  }
  return current;
}

function isTrusted(address: string, trusted: BlockList): boolean {
  const family = isIP(address);
  return family !== 0 && trusted.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/** A bare address (IPv4-mapped IPv6 as IPv4), or undefined when it is not one. */
function normalise(value: string): string | undefined {
  const trimmed = value.trim();
  const address = trimmed.startsWith('::ffff:') && isIP(trimmed.slice(7)) === 4 ? trimmed.slice(7) : trimmed;
  return isIP(address) === 0 ? undefined : address.toLowerCase();
}
