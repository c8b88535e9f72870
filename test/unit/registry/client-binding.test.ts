/** Client registration metadata for TLS client authentication and bound tokens (RFC 8705, RFC 9449 §5.2). */
import { clientProblem } from '../../../src/registry/index.js';
import { bindingMetadata } from '../../../src/registry/client-binding.js';
import { makePki, type Pki } from '../../support/binding.js';

let pki: Pki;
beforeAll(() => { pki = makePki(); });
afterAll(() => pki?.remove());
const base = { id: 'c', grants: ['client_credentials'], scopes: ['read'], audiences: ['https://api.test'] };

describe('client binding options', () => {
  it('tls_client_auth needs exactly one subject value', () => {
    expect(clientProblem({ ...base, binding: { authMethod: 'tls_client_auth' } })).toMatch(/exactly one/);
    expect(clientProblem({ ...base, binding: { authMethod: 'tls_client_auth', tlsSubjectDn: 'CN=a', tlsSanDns: 'a.test' } })).toMatch(/exactly one/);
    expect(clientProblem({ ...base, binding: { authMethod: 'tls_client_auth', tlsSubjectDn: 'CN=a' } })).toBeUndefined();
  });
  it('self_signed_tls_client_auth needs a certificate, and a real one', () => {
    expect(clientProblem({ ...base, binding: { authMethod: 'self_signed_tls_client_auth' } })).toMatch(/certificate/);
    expect(clientProblem({ ...base, binding: { authMethod: 'self_signed_tls_client_auth', certificates: ['junk'] } })).toMatch(/PEM/);
  });
  it('refuses an unknown method', () => {
    expect(clientProblem({ ...base, binding: { authMethod: 'none' as never } })).toMatch(/unsupported auth method/);
  });
  it('writes oidc-provider metadata, the certificate as a JWK with x5c', () => {
    const m = bindingMetadata({ authMethod: 'self_signed_tls_client_auth', certificates: [pki.selfSigned.cert], certificateBound: true, dpopBound: true });
    expect(m).toMatchObject({ token_endpoint_auth_method: 'self_signed_tls_client_auth', tls_client_certificate_bound_access_tokens: true, dpop_bound_access_tokens: true });
    const [key] = (m.jwks as { keys: Record<string, unknown>[] }).keys;
    expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', x5c: [expect.any(String)] });
    expect(key.d).toBeUndefined();
    expect(bindingMetadata(undefined)).toEqual({});
  });
});
