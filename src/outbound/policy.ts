/**
 * Where the issuer may send pushes (RFC 8935 SET delivery, risk webhooks and alerts):
 * `https` endpoints on public addresses, or any endpoint on a host the operator lists
 * in OUTBOUND_ALLOWED_HOSTS. Checked twice: when an endpoint is registered (its form,
 * and what its name resolves to now) and when a connection is opened (every address
 * the name resolves to then, so a name that later resolves inward is refused: no DNS
 * rebinding).
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { isPublicAddress } from './addresses.js';

export interface OutboundPolicy {
  /** hosts (names or IP literals, lower case) that may be reached over http and on any address */
  allowedHosts: ReadonlySet<string>;
  /** deadline of one push, connection to last byte, ms */
  timeoutMs: number;
  /** name resolution (dns.lookup; tests replace it to stand for a name that resolves inward) */
  lookup: typeof dnsLookup;
}

/** Builds the policy from configuration. */
export function outboundPolicy(allowedHosts: readonly string[], timeoutMs: number, lookup: typeof dnsLookup = dnsLookup): OutboundPolicy {
  return { allowedHosts: new Set(allowedHosts.map((h) => h.toLowerCase())), timeoutMs, lookup };
}

/** Whether the URL's host is on the operator's list. */
export function isAllowedHost(policy: OutboundPolicy, url: URL): boolean {
  return policy.allowedHosts.has(url.hostname.toLowerCase().replace(/^\[|\]$/g, ''));
}

/** The problem with an endpoint's form in one line, or undefined. */
export function endpointProblem(policy: OutboundPolicy, endpoint: string): string | undefined {
  const url = endpoint.length <= 2048 ? URL.parse(endpoint) : null;
  if (!url || !/^https?:$/.test(url.protocol) || url.hash || url.username || url.password) return 'the endpoint must be an http(s) URL without fragment or credentials';
  if (isAllowedHost(policy, url)) return undefined;
  if (url.protocol !== 'https:') return 'the endpoint must use https';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) ? !isPublicAddress(host) : isLocalName(host)) return 'the endpoint must be on a public address';
  return undefined;
}

/**
 * endpointProblem, then what the name resolves to now. A name that does not resolve
 * yet passes: every connection checks its addresses again.
 */
export async function registeredEndpointProblem(policy: OutboundPolicy, endpoint: string): Promise<string | undefined> {
  const problem = endpointProblem(policy, endpoint);
  if (problem) return problem;
  const url = new URL(endpoint);
  if (isAllowedHost(policy, url) || isIP(url.hostname.replace(/^\[|\]$/g, ''))) return undefined;
  const addresses = await new Promise<LookupAddress[]>((resolve) => policy.lookup(url.hostname, { all: true }, (err, found) => resolve(err ? [] : found)));
  return addresses.every((a) => isPublicAddress(a.address)) ? undefined : 'the endpoint must be on a public address';
}

// names that never leave the machine or the site (RFC 6761 §6.3, RFC 8375)
function isLocalName(host: string): boolean {
  return /(^|\.)(localhost|local|internal|home\.arpa)\.?$/i.test(host) || !host.includes('.');
}
