/**
 * toClaims (src/oidc/token-claims.ts): RFC 9068 claims from oidc-provider's token payload.
 * Extra claims (permissions, fingerprints) are carried, but never replace the claims
 * the issuer decides: an extra `sub`, `aud`, `iss` or `exp` loses.
 */
import { toClaims } from '../../../src/oidc/index.js';

const base = { jti: 'j1', iat: 1_700_000_000, exp: 1_700_000_900, clientId: 'svc', aud: 'https://api.test', scope: 'read' };

describe('toClaims', () => {
  it('carries extra claims and the payload claims, with the issuer as iss', () => {
    const claims = toClaims('https://issuer.test', 'ClientCredentials', { ...base, extra: { permissions: ['invoices:read'], fpd: 'd' } }) as unknown as Record<string, unknown>;
    expect(claims).toEqual({
      permissions: ['invoices:read'], fpd: 'd', iss: 'https://issuer.test', sub: 'svc', aud: 'https://api.test',
      exp: base.exp, iat: base.iat, jti: 'j1', client_id: 'svc', scope: 'read',
    });
  });

  it('never lets an extra claim replace one the issuer decides', () => {
    const extra = { sub: 'admin', aud: 'https://other.test', iss: 'https://evil.test', exp: 9_999_999_999, client_id: 'root', jti: 'x' };
    const claims = toClaims('https://issuer.test', 'AccessToken', { ...base, accountId: 'alice', grantId: 'g', sid: 's', extra }) as unknown as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: 'alice', aud: 'https://api.test', iss: 'https://issuer.test', exp: base.exp, client_id: 'svc', jti: 'j1', kind: 'AccessToken', gid: 'g', sid: 's' });
  });

  it('puts DPoP and certificate thumbprints in cnf, and refuses a payload without an audience', () => {
    const claims = toClaims('https://issuer.test', 'ClientCredentials', { ...base, jkt: 'k', 'x5t#S256': 'c' }) as unknown as Record<string, unknown>;
    expect(claims.cnf).toEqual({ jkt: 'k', 'x5t#S256': 'c' });
    expect(() => toClaims('https://issuer.test', 'ClientCredentials', { ...base, aud: undefined } as never)).toThrow(TypeError);
  });
});
