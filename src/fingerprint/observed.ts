/**
 * What the server observes itself and adds to a fingerprint: the client address
 * (truncated to its network, so a new DHCP lease is not a change), the User-Agent
 * and Accept-Language headers; and the coarse metadata kept in clear.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { Components } from './parse.js';

export interface Observed { ip?: string; userAgent?: string; acceptLanguage?: string }

/** The network part of an address: /24 for IPv4, /48 for IPv6. */
export function networkOf(ip: string): string | undefined {
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  if (isIPv4(v4)) return `${v4.split('.').slice(0, 3).join('.')}.0/24`;
  if (!isIPv6(ip)) return undefined;
  const [head] = ip.split('::');
  return `${head.split(':').slice(0, 3).join(':')}::/48`;
}

/** Server-observed components (values up to 512 characters, like presented ones). */
export function observedComponents(o: Observed): Components {
  const out: Components = {};
  const net = o.ip ? networkOf(o.ip) : undefined;
  if (net) out.ip = net;
  if (o.userAgent) out['http.ua'] = o.userAgent.slice(0, 512);
  if (o.acceptLanguage) out['http.lang'] = o.acceptLanguage.slice(0, 128);
  return out;
}

const BROWSERS: [string, RegExp][] = [['Edge', /Edg\/(\d+)/], ['Chrome', /(?:Chrome|Chromium|HeadlessChrome)\/(\d+)/], ['Firefox', /Firefox\/(\d+)/], ['Safari', /Version\/(\d+).*Safari/]];

/** Browser family and major version from a user agent ("Chrome 131"), or undefined. */
export function browserMajor(userAgent: string | undefined): string | undefined {
  if (!userAgent) return undefined;
  for (const [name, re] of BROWSERS) {
    const m = re.exec(userAgent);
    if (m) return `${name} ${m[1]}`;
  }
  return undefined;
}

/** Coarse metadata kept in clear with a profile (for the user's export and for support). */
export function coarseMetadata(c: Components): Record<string, string> {
  const out: Record<string, string> = {};
  const browser = browserMajor(c.userAgent) ?? browserMajor(c['http.ua']);
  if (browser) out.browser = browser;
  if (c.platform) out.platform = c.platform.slice(0, 32);
  return out;
}
