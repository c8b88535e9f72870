/**
 * Where a request's client certificate comes from (RFC 8705): the TLS socket when
 * Portcullis terminates TLS itself, or a header set by a TLS-terminating proxy.
 * The header is believed only from a configured proxy address; from anywhere else
 * it is ignored and logged, so a client cannot claim someone else's certificate.
 */
import { BlockList, isIP } from 'node:net';
import { X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

export interface CertificateSourceOptions {
  /** lower-case header name carrying a URL-encoded PEM certificate (proxy mode) */
  header?: string;
  /** addresses and CIDR blocks of the proxies allowed to set `header` */
  trustedProxies?: string[];
  /** CA certificates client certificates must chain to (tls_client_auth) */
  clientCas?: X509Certificate[];
  warn?(fields: object, msg: string): void;
}

export interface ClientCertificate { cert: X509Certificate; authorized: boolean }

export interface CertificateSource {
  /** the request's client certificate, or undefined */
  certificate(req: IncomingMessage): ClientCertificate | undefined;
}

const MAX_HEADER_CHARS = 16 * 1024;

/** Parses "10.0.0.0/8, 127.0.0.1, ::1" into a BlockList; throws TypeError on a bad entry. */
export function parseTrustedProxies(entries: string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.trim().split('/');
    const family = isIP(address) === 6 ? 'ipv6' : isIP(address) === 4 ? 'ipv4' : undefined;
    if (!family) throw new TypeError(`not an IP address or CIDR block: ${entry}`);
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return list;
}

function fromSocket(req: IncomingMessage): ClientCertificate | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  if (typeof socket.getPeerX509Certificate !== 'function') return undefined;
  const cert = socket.getPeerX509Certificate();
  return cert ? { cert, authorized: socket.authorized === true } : undefined;
}

function chainsTo(cert: X509Certificate, cas: X509Certificate[]): boolean {
  const now = Date.now();
  if (Date.parse(cert.validFrom) > now || Date.parse(cert.validTo) < now) return false;
  return cas.some((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey));
}

function parseHeader(value: string, cas: X509Certificate[]): ClientCertificate | undefined {
  if (value.length > MAX_HEADER_CHARS) return undefined;
  try {
    const cert = new X509Certificate(decodeURIComponent(value));
    return { cert, authorized: chainsTo(cert, cas) };
  } catch {
    return undefined;
  }
}

function remoteAddress(req: IncomingMessage): { address: string; family: 'ipv4' | 'ipv6' } | undefined {
  let address = req.socket.remoteAddress;
  if (!address) return undefined;
  if (address.startsWith('::ffff:') && isIP(address.slice(7)) === 4) address = address.slice(7);
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

/**
 * The /24 (IPv4) or /48 (IPv6) network of an address: enough to find a misconfigured
 * proxy, and no raw address in a log line (docs/privacy.md, "Logs").
 */
function networkOf(address: string | undefined): string | undefined {
  const v4 = address?.startsWith('::ffff:') ? address.slice(7) : address;
  if (v4 && isIP(v4) === 4) return `${v4.split('.').slice(0, 3).join('.')}.0/24`;
  if (!address || isIP(address) !== 6) return undefined;
  return `${address.split('::')[0].split(':').slice(0, 3).join(':')}::/48`;
}

/** Builds the certificate source; results are memoised per request. */
export function createCertificateSource(options: CertificateSourceOptions = {}): CertificateSource {
  const proxies = parseTrustedProxies(options.trustedProxies ?? []);
  const cas = options.clientCas ?? [];
  const memo = new WeakMap<IncomingMessage, ClientCertificate | undefined>();
  function fromHeader(req: IncomingMessage): ClientCertificate | undefined {
    const value = options.header ? req.headers[options.header] : undefined;
    if (typeof value !== 'string' || value.length === 0) return undefined;
    const remote = remoteAddress(req);
    if (!remote || !proxies.check(remote.address, remote.family)) {
      options.warn?.({ network: networkOf(req.socket.remoteAddress), header: options.header }, 'client certificate header from an untrusted address ignored');
      return undefined;
    }
    return parseHeader(value, cas);
  }
  return {
    certificate(req) {
      if (!memo.has(req)) memo.set(req, fromSocket(req) ?? fromHeader(req));
      return memo.get(req);
    },
  };
}
