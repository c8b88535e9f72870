import { redirectUriProblem } from '../../../src/registry/index.js';

describe('redirect URIs a client may register (RFC 8252 §7, RFC 6749 §3.1.2)', () => {
  it.each(['https://app.example/cb', 'https://app.example:8443/cb?x=1', 'http://127.0.0.1:8400/cb', 'http://[::1]/cb', 'http://localhost:3000/cb', 'com.example.app:/oauth2redirect'])('accepts %s', (uri) => {
    expect(redirectUriProblem(uri)).toBeUndefined();
  });

  it.each(['javascript:alert(1)', 'JavaScript:alert(1)', 'data:text/html,x', 'vbscript:x', 'file:///etc/passwd', 'http://app.example/cb', 'http://127.0.0.1.evil.example/cb',
    'https://app.example/cb#frag', 'https://app.example/cb#', 'myapp:/cb', 'https://u:p@app.example/cb', 'not a uri', `https://app.example/${'a'.repeat(2100)}`])('refuses %s', (uri) => {
    expect(redirectUriProblem(uri)).toMatch(/redirect URI/);
  });
});
