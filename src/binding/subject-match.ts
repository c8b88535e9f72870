import type { X509Certificate } from 'node:crypto';

/**
 * RFC 8705 §2.1.2: does the certificate carry the registered subject value?
 * `tls_client_auth_subject_dn` is compared as a sequence of RDNs, in the RFC 4514
 * string order (last RDN first) or in certificate order, ignoring spaces around
 * separators and the case of attribute types.
 */
export function certificateSubjectMatches(cert: X509Certificate, property: string, expected: string): boolean {
  switch (property) {
    case 'tls_client_auth_subject_dn': return subjectDnMatches(cert.subject, expected);
    case 'tls_client_auth_san_dns': return sanValues(cert, 'DNS').some((v) => v.toLowerCase() === expected.toLowerCase());
    case 'tls_client_auth_san_uri': return sanValues(cert, 'URI').includes(expected);
    case 'tls_client_auth_san_ip': return sanValues(cert, 'IP Address').includes(expected);
    case 'tls_client_auth_san_email': return sanValues(cert, 'email').includes(expected);
    default: return false;
  }
}

function rdns(text: string, separator: RegExp): string[] {
  return text.split(separator).map((part) => {
    const i = part.indexOf('=');
    return i < 0 ? part.trim() : `${part.slice(0, i).trim().toUpperCase()}=${part.slice(i + 1).trim()}`;
  }).filter(Boolean);
}

function subjectDnMatches(subject: string, expected: string): boolean {
  const actual = rdns(subject, /\n/);
  const wanted = rdns(expected, /,(?=\s*[A-Za-z0-9.]+=)/);
  const same = (a: string[]) => a.length === actual.length && a.every((v, i) => v === actual[i]);
  return same(wanted) || same([...wanted].reverse());
}

function sanValues(cert: X509Certificate, type: string): string[] {
  return (cert.subjectAltName ?? '').split(', ')
    .filter((entry) => entry.startsWith(`${type}:`))
    .map((entry) => entry.slice(type.length + 1));
}
