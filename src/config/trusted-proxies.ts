import { isIP } from 'node:net';

/**
 * Parses TRUSTED_PROXIES: comma-separated IP addresses or CIDR blocks
 * (`10.0.0.1, 10.1.0.0/16, fd00::/8`). Returns undefined if any entry is malformed.
 */
export function parseTrustedProxies(text: string): string[] | undefined {
  const entries = text.split(',').map((e) => e.trim()).filter((e) => e !== '');
  return entries.every(validEntry) ? entries : undefined;
}

function validEntry(entry: string): boolean {
  const [address, prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}
