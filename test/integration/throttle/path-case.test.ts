/**
 * Regression: oidc-provider's router matches paths case-insensitively (`POST /TOKEN`
 * reaches its token endpoint) and, failing an exact match, with one trailing slash
 * removed (`POST /token/`), so gates chosen by the exact path `/token` could be walked
 * around by changing the case or adding a slash: unthrottled secret guessing at /TOKEN
 * or /token/, token fishing at /Introspect/. Every such variant must pass the same gates
 * (here: the request budget and the client lockout) and get the same answers.
 */
import { basic, post } from '../../support/clients.js';
import { serverErrors, startTestIssuer, type TestIssuer } from '../../support/issuer.js';

const API = 'https://api.case.test';
let t: TestIssuer;
const secrets: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestIssuer({ THROTTLE_TOKEN: 'ip=1000/1m,client=4/1m', THROTTLE_INTROSPECT: 'ip=1000/1m,client=4/1m', THROTTLE_LOCKOUT_AFTER: '3', THROTTLE_LOCKOUT_FIRST: '1m' });
  await t.addResource({ audience: API, scopes: ['read'] });
  for (const id of ['budget', 'guessed', 'fisher']) secrets[id] = await t.addClient({ id, scopes: ['read'], audiences: [API] });
});
afterAll(async () => { await t?.close(); });

const grant = new URLSearchParams({ grant_type: 'client_credentials', resource: API, scope: 'read' });

describe('token endpoints under any case of their paths', () => {
  it('counts /TOKEN, /Token and /token against one request budget', async () => {
    const statuses: number[] = [];
    for (const path of ['/token', '/TOKEN', '/Token', '/toKEN', '/TOKEN']) statuses.push((await post(`${t.url}${path}`, grant, basic('budget', secrets.budget))).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
  });

  it('counts /token/ (a trailing slash, which oidc-provider also serves) against the same budget', async () => {
    secrets.slashed = await t.addClient({ id: 'slashed', scopes: ['read'], audiences: [API] });
    const answers = [];
    for (const path of ['/token/', '/TOKEN/', '/token', '/token/', '/token/']) answers.push(await post(`${t.url}${path}`, grant, basic('slashed', secrets.slashed)));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 429]);
    expect(answers[0].headers.get('ratelimit-policy')).toBe('"token-ip";q=1000;w=60, "token-client";q=4;w=60');
    expect(answers[4].json?.error).toBe('invalid_request');
  });

  it('locks out a client guessed at through case variants, then refuses its right secret everywhere', async () => {
    for (const path of ['/TOKEN', '/token/', '/tOKEN/']) {
      const res = await post(`${t.url}${path}`, grant, basic('guessed', 'w'.repeat(43)));
      expect([path, res.status, res.json?.error]).toEqual([path, 401, 'invalid_client']);
    }
    for (const path of ['/token', '/TOKEN', '/token/']) expect((await post(`${t.url}${path}`, grant, basic('guessed', secrets.guessed))).status).toBe(429);
  });

  it('answers /INTROSPECT like /introspect (the token shield applies), within the same budget', async () => {
    const token = (await post(`${t.url}/token`, grant, basic('fisher', secrets.fisher))).json?.access_token as string;
    const answers = [];
    for (const path of ['/introspect', '/INTROSPECT/', '/Introspect']) answers.push((await post(`${t.url}${path}`, new URLSearchParams({ token }), basic('fisher', secrets.fisher))).json);
    expect(answers.map((a) => a?.active)).toEqual([true, true, true]);
    expect(answers[1]).toEqual(answers[0]);
    expect((await post(`${t.url}/iNTROSPECT`, new URLSearchParams({ token }), basic('fisher', secrets.fisher))).status).toBe(200);
    expect((await post(`${t.url}/introspect/`, new URLSearchParams({ token }), basic('fisher', secrets.fisher))).status).toBe(429);
    expect(serverErrors(t.logs)).toEqual([]);
  });
});
