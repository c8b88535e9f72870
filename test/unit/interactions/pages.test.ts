import { escapeHtml, loginPage } from '../../../src/interactions/pages.js';
import { csrfToken } from '../../../src/interactions/index.js';

describe('interaction pages', () => {
  it('escape everything that could close an attribute or open a tag', () => {
    expect(escapeHtml('<script>"x"\'&`=')).toBe('&#60;script&#62;&#34;x&#34;&#39;&#38;&#96;&#61;');
    const html = loginPage({ action: '/interaction/x/login', csrf: 'c', client: '<img src=x onerror=alert(1)>', username: '"><script>', error: 'e' });
    expect(html).not.toContain('<img');
    expect(html).not.toContain('"><script>');
    expect(html).toContain('role="alert"');
  });

  it('CSRF tokens are bound to the interaction and the key', () => {
    const key = new Uint8Array(32).fill(1);
    expect(csrfToken(key, 'a')).toBe(csrfToken(key, 'a'));
    expect(csrfToken(key, 'a')).not.toBe(csrfToken(key, 'b'));
    expect(csrfToken(new Uint8Array(32).fill(2), 'a')).not.toBe(csrfToken(key, 'a'));
  });
});
