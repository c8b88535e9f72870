/** Branding settings are validated at start-up, naming the setting; the pages carry them. */
import { ConfigError, loadConfig } from '../../../src/config/index.js';
import { contrastOnWhite } from '../../../src/config/brand.js';
import { consentPage, errorPage, loginPage } from '../../../src/interactions/pages.js';

const ISSUER = 'https://id.example';
const refused = (env: Record<string, string>) => { try { loadConfig({ ISSUER, ...env }); } catch (err) { return err; } return undefined; };

describe('branding settings', () => {
  it('defaults to Portcullis in near-black', () => {
    expect(loadConfig({ ISSUER }).brand).toEqual({ name: 'Portcullis', accent: '#1a1a1a', logoUrl: undefined });
  });

  it('accepts a name, an https logo and an accent dark enough for white text', () => {
    expect(loadConfig({ ISSUER, BRAND_NAME: 'Acme ID', BRAND_LOGO_URL: 'https://acme.example/logo.svg', BRAND_ACCENT: '#0B57D0' }).brand)
      .toEqual({ name: 'Acme ID', logoUrl: 'https://acme.example/logo.svg', accent: '#0b57d0' });
  });

  it.each([
    [{ BRAND_ACCENT: 'blue' }, 'BRAND_ACCENT', '#rrggbb'],
    [{ BRAND_ACCENT: '#ffeb3b' }, 'BRAND_ACCENT', '4.5:1'],
    [{ BRAND_LOGO_URL: 'http://acme.example/logo.png' }, 'BRAND_LOGO_URL', 'https://'],
    [{ BRAND_LOGO_URL: 'javascript:alert(1)' }, 'BRAND_LOGO_URL', 'https://'],
    [{ BRAND_NAME: 'Acme <script>' }, 'BRAND_NAME', 'printable'],
    [{ BRAND_NAME: 'x'.repeat(61) }, 'BRAND_NAME', ''],
  ])('refuses %o at start-up, naming the setting', (env, name, words) => {
    const err = refused(env);
    expect(err).toBeInstanceOf(ConfigError);
    expect(String((err as Error).message)).toContain(name);
    expect(String((err as Error).message)).toContain(words);
  });

  it('computes WCAG contrast: black 21:1, white 1:1', () => {
    expect(contrastOnWhite('#000000')).toBeCloseTo(21, 1);
    expect(contrastOnWhite('#ffffff')).toBeCloseTo(1, 5);
  });

  it('every page carries the name, logo and accent', () => {
    const brand = { name: 'Acme ID', logoUrl: 'https://acme.example/logo.svg', accent: '#0b57d0' };
    for (const html of [
      loginPage({ action: '/a', csrf: 'c', client: 'shop', brand }),
      consentPage({ action: '/a', abort: '/b', csrf: 'c', client: { name: 'Shop' }, groups: [], brand }),
      errorPage('Oops', 'No.', brand),
    ]) {
      expect(html).toMatch(/<title>[^<]+ - Acme ID<\/title>/);
      expect(html).toContain('<header class="brand"><img src="https://acme.example/logo.svg" alt="" height="32"><span>Acme ID</span></header>');
      expect(html).toContain('background:#0b57d0');
      expect(html).not.toContain('Portcullis');
    }
  });
});
