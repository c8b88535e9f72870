/**
 * Every URL the issuer publishes or checks comes from ISSUER: a request naming another
 * host (Host, X-Forwarded-Host, an absolute-form target) is served with the configured
 * URLs, and a DPoP proof made for another server's URL is refused at /token
 * (RFC 9449 §4.3). Discovery and the JWKS say how long caches may keep them.
 */
import { request } from 'node:http';
import { startTestIssuer, type TestIssuer } from '../../support/issuer.js';
import { dpopKey, dpopProof, type DpopKey } from '../../support/binding.js';
import { basic } from '../../support/clients.js';

const API = 'https://api.host.test';
const EVIL = 'evil.example';
let t: TestIssuer;
let secret: string;

beforeAll(async () => {
  t = await startTestIssuer();
  await t.addResource({ audience: API, scopes: ['read'] });
  secret = await t.addClient({ id: 'svc', scopes: ['read'], audiences: [API] });
});
afterAll(async () => { await t?.close(); });

interface Answer { status: number; headers: Record<string, string | string[] | undefined>; json: Record<string, unknown> }

/** One request with whatever Host and request target the test names (fetch would not send them). */
function send(method: string, target: string, headers: Record<string, string>, body = ''): Promise<Answer> {
  const { hostname, port } = new URL(t.url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, method, path: target, headers: { 'content-length': String(Buffer.byteLength(body)), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
        resolve({ status: res.statusCode!, headers: res.headers, json: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown> });
      });
    });
    req.on('error', reject).end(body);
  });
}

const hostile: Array<{ name: string; target: string; headers: Record<string, string> }> = [
  { name: 'Host', target: '/.well-known/oauth-authorization-server', headers: { host: EVIL } },
  { name: 'X-Forwarded-Host', target: '/.well-known/oauth-authorization-server', headers: { 'x-forwarded-host': EVIL, 'x-forwarded-proto': 'https' } },
  { name: 'an absolute-form target', target: `http://${EVIL}/.well-known/oauth-authorization-server`, headers: { host: EVIL } },
];

describe('discovery', () => {
  it.each(hostile)('names only ISSUER URLs whatever the $name says, and may be cached', async ({ target, headers }) => {
    const res = await send('GET', target, headers);
    expect(res.status).toBe(200);
    expect(res.json.issuer).toBe(t.url);
    const urls = Object.values(res.json).filter((v): v is string => typeof v === 'string' && /^https?:/.test(v));
    expect(urls.length).toBeGreaterThan(5);
    for (const url of urls) expect(url.startsWith(`${t.url}/`) || url === t.url).toBe(true);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
  });

  it('JWKS may be cached for a minute', async () => {
    const res = await send('GET', '/jwks', { host: EVIL });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=60');
  });
});

describe('DPoP htu at /token', () => {
  let key: DpopKey;
  let nonce: string | undefined;
  beforeAll(async () => { key = await dpopKey(); });

  async function tokenWith(htu: string, host: string): Promise<Answer> {
    const body = new URLSearchParams({ grant_type: 'client_credentials', resource: API, scope: 'read' }).toString();
    const headers = { host, 'content-type': 'application/x-www-form-urlencoded', ...basic('svc', secret) };
    for (let attempt = 0; attempt < 2; attempt++) {
      const res = await send('POST', '/token', { ...headers, dpop: await dpopProof(key, { htm: 'POST', htu, nonce }) }, body);
      if (res.json.error !== 'use_dpop_nonce') return res;
      nonce = res.headers['dpop-nonce'] as string;
    }
    throw new Error('no nonce accepted');
  }

  it('refuses a proof made for the URL the Host header names', async () => {
    const res = await tokenWith(`http://${EVIL}/token`, EVIL);
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('invalid_dpop_proof');
  });

  it('accepts a proof for the issuer\'s own token endpoint, whatever the Host header says', async () => {
    const res = await tokenWith(`${t.url}/token`, EVIL);
    expect(res.status).toBe(200);
    expect(res.json.token_type).toBe('DPoP');
  });
});
