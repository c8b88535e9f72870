/**
 * `client add` options for TLS client authentication and token binding:
 *   --auth client_secret_basic|client_secret_post|tls_client_auth|self_signed_tls_client_auth
 *   --tls-subject-dn "CN=svc,O=Acme"   (tls_client_auth; or --tls-san-dns svc.example)
 *   --cert-file client.pem              (self_signed_tls_client_auth; repeatable)
 *   --bind mtls|dpop                    (every token of the client must be bound)
 */
import { readFileSync } from 'node:fs';
import { AUTH_METHODS, type AuthMethod, type ClientBinding } from '../../src/registry/index.js';
import { UsageError } from './args.js';

export const bindingOptions = {
  auth: { type: 'string' }, 'tls-subject-dn': { type: 'string' }, 'tls-san-dns': { type: 'string' },
  'cert-file': { type: 'string', multiple: true }, bind: { type: 'string', multiple: true },
} as const;

function readPem(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`cannot read certificate file ${file}`);
  }
}

/** The binding part of a client registration, from parsed options. */
export function bindingFromArgs(values: Record<string, unknown>): ClientBinding | undefined {
  const auth = values.auth as string | undefined;
  if (auth !== undefined && !(AUTH_METHODS as readonly string[]).includes(auth)) throw new UsageError(`--auth must be one of ${AUTH_METHODS.join(', ')}`);
  const bind = (values.bind as string[] | undefined) ?? [];
  const unknown = bind.find((b) => b !== 'mtls' && b !== 'dpop');
  if (unknown) throw new UsageError(`--bind must be mtls or dpop, not ${unknown}`);
  const files = (values['cert-file'] as string[] | undefined) ?? [];
  const binding: ClientBinding = {
    authMethod: auth as AuthMethod | undefined,
    tlsSubjectDn: values['tls-subject-dn'] as string | undefined,
    tlsSanDns: values['tls-san-dns'] as string | undefined,
    certificates: files.length ? files.map(readPem) : undefined,
    certificateBound: bind.includes('mtls') || undefined,
    dpopBound: bind.includes('dpop') || undefined,
  };
  return Object.values(binding).some((v) => v !== undefined) ? binding : undefined;
}
