import { X509Certificate } from 'node:crypto';
import { certificateSubjectMatches } from '../../../src/binding/index.js';
import { makePki, type Pki } from '../../support/binding.js';

let pki: Pki;
beforeAll(() => { pki = makePki(); });
afterAll(() => pki?.remove());

describe('certificateSubjectMatches', () => {
  const cert = () => new X509Certificate(pki.client.cert);
  it('matches the subject DN in RFC 4514 order or certificate order', () => {
    expect(certificateSubjectMatches(cert(), 'tls_client_auth_subject_dn', 'CN=svc-mtls,O=Portcullis Test')).toBe(true);
    expect(certificateSubjectMatches(cert(), 'tls_client_auth_subject_dn', 'O=Portcullis Test, CN=svc-mtls')).toBe(true);
  });
  it('does not match another, partial or longer DN', () => {
    expect(certificateSubjectMatches(cert(), 'tls_client_auth_subject_dn', 'CN=other,O=Portcullis Test')).toBe(false);
    expect(certificateSubjectMatches(cert(), 'tls_client_auth_subject_dn', 'CN=svc-mtls')).toBe(false);
    expect(certificateSubjectMatches(cert(), 'tls_client_auth_subject_dn', 'CN=svc-mtls,O=Portcullis Test,C=FR')).toBe(false);
  });
  it('matches SAN DNS names of the server certificate, not others', () => {
    const server = new X509Certificate(pki.read('server.crt'));
    expect(certificateSubjectMatches(server, 'tls_client_auth_san_dns', 'localhost')).toBe(true);
    expect(certificateSubjectMatches(server, 'tls_client_auth_san_dns', 'evil.test')).toBe(false);
    expect(certificateSubjectMatches(server, 'unknown_property', 'localhost')).toBe(false);
  });
});
