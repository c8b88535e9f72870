/** METRICS_TOKEN: /metrics answers only the scraper's bearer token; other routes are unaffected. */
import { startTestIssuer, type TestIssuer } from '../../support/issuer.js';

const TOKEN = 'scraper-token-0123456789abcdef';
let t: TestIssuer;

beforeAll(async () => { t = await startTestIssuer({ METRICS_TOKEN: TOKEN }); });
afterAll(async () => { await t?.close(); });

const metrics = (authorization?: string) => fetch(`${t.url}/metrics`, { headers: authorization ? { authorization } : {} });

describe('/metrics with METRICS_TOKEN', () => {
  it('serves the metrics to the right bearer token', async () => {
    const res = await metrics(`Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('portcullis_tokens_issued_total');
  });

  it.each([
    ['no header', undefined],
    ['a wrong token', 'Bearer scraper-token-0123456789abcdeX'],
    ['a prefix of the token', `Bearer ${TOKEN.slice(0, -1)}`],
    ['the token with another scheme', `Basic ${TOKEN}`],
  ])('refuses %s: 401 with a Bearer challenge and no metrics', async (_name, header) => {
    const res = await metrics(header);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
    const body = await res.text();
    expect(body).not.toContain('portcullis_');
    expect(JSON.parse(body)).toEqual({ error: 'invalid_token' });
  });

  it('leaves health checks open', async () => {
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });
});
