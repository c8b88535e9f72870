import { loadConfig, ConfigError } from '../../../src/config/index.js';

describe('sender-constrained token settings', () => {
  it('defaults: nonces for public clients, no TLS, no trusted proxies', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ dpopNonce: 'public', trustedProxies: [] });
    expect(c.tlsCertFile).toBeUndefined();
  });
  it('needs TLS_CERT_FILE and TLS_KEY_FILE together', () => {
    expect(() => loadConfig({ TLS_CERT_FILE: '/x.crt' })).toThrow(ConfigError);
    expect(() => loadConfig({ TLS_KEY_FILE: '/x.key' })).toThrow(ConfigError);
    expect(loadConfig({ TLS_CERT_FILE: '/x.crt', TLS_KEY_FILE: '/x.key' }).tlsKeyFile).toBe('/x.key');
  });
  it('refuses a certificate header without trusted proxies, and lower-cases it', () => {
    expect(() => loadConfig({ MTLS_CERT_HEADER: 'X-Client-Cert' })).toThrow(/TRUSTED_PROXIES/);
    const c = loadConfig({ MTLS_CERT_HEADER: 'X-Client-Cert', TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1' });
    expect(c.mtlsCertHeader).toBe('x-client-cert');
    expect(c.trustedProxies).toEqual(['10.0.0.0/8', '127.0.0.1']);
  });
  it('refuses a trusted proxy entry that is not an address or CIDR block', () => {
    for (const bad of ['example.com', '10.0.0.0/33', '10.0.0.1/8/1', '::1/129']) {
      expect(() => loadConfig({ MTLS_CERT_HEADER: 'x-cert', TRUSTED_PROXIES: bad })).toThrow(/TRUSTED_PROXIES/);
    }
    expect(loadConfig({ MTLS_CERT_HEADER: 'x-cert', TRUSTED_PROXIES: '::1/128,fd00::/8' }).trustedProxies).toHaveLength(2);
  });
  it('refuses an unknown nonce policy', () => {
    expect(() => loadConfig({ DPOP_NONCE: 'sometimes' })).toThrow(/DPOP_NONCE/);
  });
});
