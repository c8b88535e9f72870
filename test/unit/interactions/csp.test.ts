import { contentSecurityPolicy, formTarget } from '../../../src/interactions/csp.js';

describe('sign-in page Content-Security-Policy', () => {
  it('lets forms end at the client redirect URI and nowhere else', () => {
    const policy = contentSecurityPolicy({ formTargets: [formTarget('https://app.example/callback?x=1#f')!] });
    expect(policy).toMatch(/form-action 'self' https:\/\/app\.example\/callback$/);
    expect(policy).not.toMatch(/form-action[^;]*\*/);
  });

  it('without a client, forms stay on this site', () => {
    expect(contentSecurityPolicy()).toMatch(/form-action 'self'$/);
  });

  it('cannot be split or extended by a hostile redirect URI', () => {
    const target = formTarget("https://app.example/cb;script-src,'unsafe-inline' x")!;
    expect(target).not.toMatch(/[;,\s']/);
    expect(contentSecurityPolicy({ formTargets: [target] }).split(';').length).toBe(contentSecurityPolicy().split(';').length);
  });

  it('a native app private-use scheme becomes its scheme (RFC 8252 §7.1)', () => {
    expect(formTarget('com.example.app:/oauth2redirect')).toBe('com.example.app:');
    expect(formTarget('not a url')).toBeUndefined();
    expect(formTarget(undefined)).toBeUndefined();
  });
});
