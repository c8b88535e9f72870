/**
 * Fingerprint binding over HTTP with a scripted browser (the real collector runs in
 * chromium.test.ts): the login stores a profile, user tokens carry `fpd`, /introspect
 * compares the presenter's fingerprint (exact, drift learned and recorded, mismatch
 * inactive), per-client policy, hostile input, and the outcome hook.
 */
import * as client from 'openid-client';
import { URI, type TOTP } from 'otpauth';
import { serverErrors, leaksInternals } from '../../support/issuer.js';
import { signIn, tokensFor, type SignIn } from '../users/browser.js';
import { API, REDIRECT } from '../users/setup.js';
import { fp, introspect, LAPTOP, OTHER_DEVICE, PASSWORD, startFingerprintWorld, UPDATED, type FingerprintWorld } from './world.js';

let w: FingerprintWorld;
let aliceId: string;
let strictSecret: string;

beforeAll(async () => {
  w = await startFingerprintWorld();
  aliceId = (await w.users.add({ username: 'alice', password: PASSWORD })).id;
  const browser = { scopes: ['read'], audiences: [API], grants: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT] };
  strictSecret = await w.t.addClient({ id: 'strict', ...browser, fingerprint: 'required' });
});
afterAll(async () => { await w?.t.close(); });

const alice = (over: Partial<SignIn> = {}): SignIn => ({ config: w.web, redirectUri: REDIRECT, username: 'alice', password: PASSWORD, params: { resource: API }, fingerprint: fp(LAPTOP), ...over });
const count = async () => ({ profiles: await w.t.issuer.db.prisma.fingerprintProfile.count(), changes: await w.t.issuer.db.prisma.fingerprintChange.count() });
const claimsOf = async (token: string) => (await w.t.issuer.tokens.open(token))?.claims as Record<string, unknown>;

describe('issuance', () => {
  it('stores one profile (hashes only) for the sign-in and puts fpd and fpp in the token', async () => {
    const before = await count();
    const { tokens } = await tokensFor(alice());
    const claims = await claimsOf(tokens.access_token);
    expect(claims).toMatchObject({ sub: aliceId, fpd: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/), fpp: expect.any(String) });
    expect((await count()).profiles).toBe(before.profiles + 1);
    const row = await w.t.issuer.db.prisma.fingerprintProfile.findUniqueOrThrow({ where: { id: claims.fpp as string } });
    expect(row).toMatchObject({ userId: aliceId, digest: claims.fpd, sessionUid: expect.any(String), interactionId: null });
    const stored = JSON.stringify(row.components);
    for (const raw of ['Linux x86_64', 'ANGLE Intel', 'Europe/London', '127.0.0.1']) expect(stored).not.toContain(raw);
    expect(row.coarse).toEqual({ browser: 'Chrome 131', platform: 'Linux x86_64' });
    expect(Object.keys(row.components as object)).toEqual(expect.arrayContaining(['canvas', 'ip', 'http.ua']));
  });

  it('keeps the binding through refresh (same profile, same digest)', async () => {
    const { tokens } = await tokensFor(alice());
    const refreshed = await client.refreshTokenGrant(w.web, tokens.refresh_token!);
    const [a, b] = [await claimsOf(tokens.access_token), await claimsOf(refreshed.access_token)];
    expect(b.fpp).toBe(a.fpp);
    expect(b.fpd).toBe(a.fpd);
  });

  it('introspection shows fpd (for resource servers comparing locally) but never fpp', async () => {
    const { tokens } = await tokensFor(alice());
    const { body } = await introspect(w, tokens.access_token);
    expect(body).toMatchObject({ active: true, fpd: expect.any(String) });
    expect(body).not.toHaveProperty('fpp');
  });

  it('binds a sign-in with a second factor too (profile stored at the password step, kept through the TOTP step)', async () => {
    await w.users.add({ username: 'tess', password: PASSWORD });
    const totp = URI.parse((await w.users.enrolTotp('tess'))!) as TOTP;
    const { tokens } = await tokensFor(alice({ username: 'tess', code: () => totp.generate() }));
    const claims = await claimsOf(tokens.access_token);
    expect(claims).toMatchObject({ amr: ['pwd', 'otp'], fpd: expect.any(String) });
    expect((await introspect(w, tokens.access_token, { fingerprint: fp(OTHER_DEVICE) })).body.active).toBe(false);
  });

  it('without a fingerprint at sign-in (no JavaScript), an optional client gets an unbound token', async () => {
    const { tokens } = await tokensFor(alice({ fingerprint: undefined }));
    expect(await claimsOf(tokens.access_token)).not.toHaveProperty('fpd');
  });
});

describe('verification at /introspect', () => {
  it('the same device matches exactly; another device is inactive and recorded; nothing else changes', async () => {
    const { tokens } = await tokensFor(alice());
    const fpp = (await claimsOf(tokens.access_token)).fpp as string;
    expect((await introspect(w, tokens.access_token, { fingerprint: fp(LAPTOP) })).body.active).toBe(true);
    expect(await introspect(w, tokens.access_token, { fingerprint: fp(OTHER_DEVICE) })).toEqual({ status: 200, body: { active: false } });
    const changes = await w.t.issuer.db.prisma.fingerprintChange.findMany({ where: { profileId: fpp } });
    expect(changes).toEqual([expect.objectContaining({ outcome: 'mismatch', clientId: 'web', changed: expect.arrayContaining(['canvas', 'platform']) })]);
    expect(w.outcomes.filter((o) => o.subject === aliceId && o.outcome === 'mismatch').length).toBeGreaterThan(0);
  });

  it('a legitimate change (browser update, new monitor, travel) is accepted, learned and recorded', async () => {
    const { tokens } = await tokensFor(alice());
    const { fpp, fpd } = await claimsOf(tokens.access_token) as { fpp: string; fpd: string };
    const before = await w.t.issuer.db.prisma.fingerprintProfile.findUniqueOrThrow({ where: { id: fpp } });
    expect((await introspect(w, tokens.access_token, { fingerprint: fp(UPDATED) })).body.active).toBe(true);
    // the stable digest is unchanged by those components, so that was an exact match; a HiDPI
    // monitor also changes the canvas and font widths (stable components): scored, a drift
    const drifted = { ...LAPTOP, userAgent: UPDATED.userAgent, browserMajor: UPDATED.browserMajor, canvas: 'c1a9f0-hidpi', fontPreferences: 'fp1-hidpi' };
    expect((await introspect(w, tokens.access_token, { fingerprint: fp(drifted) })).body.active).toBe(true);
    const after = await w.t.issuer.db.prisma.fingerprintProfile.findUniqueOrThrow({ where: { id: fpp } });
    expect(after.digest).not.toBe(fpd);
    expect(after.components).not.toEqual(before.components);
    const change = await w.t.issuer.db.prisma.fingerprintChange.findFirstOrThrow({ where: { profileId: fpp, outcome: 'drift' } });
    expect(change.changed.sort()).toEqual(['browserMajor', 'canvas', 'fontPreferences', 'userAgent']);
    expect(w.outcomes).toContainEqual(expect.objectContaining({ subject: aliceId, outcome: 'drift', score: expect.any(Number), at: expect.any(Date) }));
    // a new token from the refreshed session carries the learned digest
    const refreshed = await client.refreshTokenGrant(w.web, tokens.refresh_token!);
    expect((await claimsOf(refreshed.access_token)).fpd).toBe(after.digest);
  });

  it('without a fingerprint: active for an optional client, inactive for a required one', async () => {
    const { tokens } = await tokensFor(alice());
    expect((await introspect(w, tokens.access_token)).body.active).toBe(true);
    const strict = await client.discovery(new URL(w.t.url), 'strict', {}, client.ClientSecretBasic(strictSecret), { execute: [client.allowInsecureRequests] });
    const { tokens: bound } = await tokensFor(alice({ config: strict }));
    const as = { id: 'strict', secret: strictSecret }; // a client introspects its own tokens
    expect((await introspect(w, bound.access_token, {}, as)).body.active).toBe(false);
    expect((await introspect(w, bound.access_token, { fingerprint: fp(LAPTOP) }, as)).body.active).toBe(true);
  });

  it('hostile fingerprints are invalid_request (400, no stack), and nothing is stored', async () => {
    const { tokens } = await tokensFor(alice());
    const before = await count();
    const many = fp(Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`c${i}`, 'v'])));
    for (const bad of ['{', '[]', '{"canvas":{"deep":1}}', fp({ canvas: 'x'.repeat(5000) }), many, '{"__proto__":{"a":1}}']) {
      const res = await introspect(w, tokens.access_token, { fingerprint: bad });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
      expect(leaksInternals(JSON.stringify(res.body))).toBe(false);
    }
    expect(await count()).toEqual(before);
    expect(serverErrors(w.t.logs)).toEqual([]);
  });

  it('a client_credentials token (fast path) ignores a well-formed fingerprint and refuses a malformed one', async () => {
    await w.t.addClient({ id: 'svc', scopes: ['read'], audiences: [API] }).then(async (secret) => {
      const svc = await client.discovery(new URL(w.t.url), 'svc', {}, client.ClientSecretBasic(secret), { execute: [client.allowInsecureRequests] });
      const { access_token } = await client.clientCredentialsGrant(svc, { resource: API });
      expect((await introspect(w, access_token, { fingerprint: fp(LAPTOP) })).body).toEqual({ active: false }); // web may not see svc's token
      const own = await fetch(`${w.t.url}/introspect`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`svc:${secret}`).toString('base64')}` }, body: new URLSearchParams({ token: access_token, fingerprint: fp(OTHER_DEVICE) }) });
      expect(await own.json()).toMatchObject({ active: true, client_id: 'svc' });
      const metrics = await (await fetch(`${w.t.url}/metrics`)).text();
      expect(metrics).toMatch(/portcullis_introspections_total\{result="active",path="fast"\} [1-9]/);
      const bad = await fetch(`${w.t.url}/introspect`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`svc:${secret}`).toString('base64')}` }, body: new URLSearchParams({ token: access_token, fingerprint: '[1]' }) });
      expect([bad.status, (await bad.json() as { error: string }).error]).toEqual([400, 'invalid_request']);
    });
  });
});

describe('sign-in policy', () => {
  const strictConfig = () => client.discovery(new URL(w.t.url), 'strict', {}, client.ClientSecretBasic(strictSecret), { execute: [client.allowInsecureRequests] });

  it('a malformed fingerprint in the login form is refused (400) before the password is checked, nothing stored', async () => {
    const before = await count();
    const r = await signIn(alice({ fingerprint: '{"canvas":[1]}' }));
    expect(r.callback).toBeUndefined();
    expect(r.pages.at(-1)).toMatchObject({ status: 400, html: expect.stringContaining('device information sent with this form is not valid') });
    expect(await count()).toEqual(before);
  });

  it('a required client refuses a sign-in without a fingerprint', async () => {
    const r = await signIn(alice({ config: await strictConfig(), fingerprint: undefined }));
    expect(r.callback).toBeUndefined();
    expect(r.pages.at(-1)).toMatchObject({ status: 400, html: expect.stringContaining('needs a device check') });
  });

  it('the login page loads the collector and links the privacy page, with a CSP allowing only our own script', async () => {
    const r = await signIn(alice({ password: 'wrong' }));
    const page = r.pages.at(-1)!;
    expect(page.html).toContain('<script src="/fingerprint.js" defer></script>');
    expect(page.html).toContain('name="fingerprint"');
    expect(page.html).toContain('href="/privacy"');
    const res = await fetch(`${w.t.url}/fingerprint.js`);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(await res.text()).toMatch(/FingerprintJS[\s\S]*portcullisFingerprint/);
  });

  it('an opt-out client gets no collector, and must use DPoP at /token; its tokens carry no fingerprint', async () => {
    const nofp = await client.discovery(new URL(w.t.url), 'nofp', {}, client.None(), { execute: [client.allowInsecureRequests] });
    const secretless = await w.t.addClient({ id: 'nofp', scopes: ['read'], audiences: [API], grants: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT], fingerprint: 'off', public: true });
    expect(secretless).toBe('');
    const first = await signIn(alice({ config: nofp, password: 'wrong' }));
    expect(first.pages.at(-1)!.html).not.toContain('fingerprint');
    const r = await signIn(alice({ config: nofp }));
    const refused = await client.authorizationCodeGrant(nofp, r.callback!, { pkceCodeVerifier: r.verifier, expectedState: r.state }).catch((e: Error) => e);
    expect(refused).toMatchObject({ error: 'invalid_grant' });
    const again = await signIn(alice({ config: nofp }));
    const DPoP = client.getDPoPHandle(nofp, await client.randomDPoPKeyPair());
    const exchange = () => client.authorizationCodeGrant(nofp, again.callback!, { pkceCodeVerifier: again.verifier, expectedState: again.state }, undefined, { DPoP });
    const tokens = await exchange().catch((e: unknown) => (client.ResponseBodyError && e instanceof client.ResponseBodyError && e.error === 'use_dpop_nonce' ? exchange() : Promise.reject(e)));
    expect(tokens.token_type.toLowerCase()).toBe('dpop');
    const claims = await claimsOf(tokens.access_token);
    expect(claims).toMatchObject({ cnf: { jkt: expect.any(String) } });
    expect(claims).not.toHaveProperty('fpd');
    const metadata = (await w.t.issuer.db.prisma.client.findUniqueOrThrow({ where: { id: 'nofp' } })).metadata as Record<string, unknown>;
    expect(metadata).toMatchObject({ portcullis_fingerprint: 'off', dpop_bound_access_tokens: true });
  });

  it('discovery points to the disclosure, which lists components, retention and opt-out', async () => {
    const meta = await (await fetch(`${w.t.url}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
    expect(meta.portcullis_fingerprint_disclosure).toBe(`${w.t.url}/.well-known/fingerprint-disclosure`);
    const d = await (await fetch(meta.portcullis_fingerprint_disclosure as string)).json() as Record<string, unknown>;
    expect(d).toMatchObject({ retention_seconds: 30 * 86_400, purpose: expect.any(String), opt_out: expect.any(String) });
    expect((d.components as { name: string }[]).map((c) => c.name)).toEqual(expect.arrayContaining(['canvas', 'ip', 'timezone']));
    const privacy = await fetch(`${w.t.url}/privacy`);
    expect(await privacy.text()).toMatch(/What we learn about your device/);
    // static text: no script may run, no form may post, no page may frame it
    const policy = privacy.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("form-action 'none'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toMatch(/script-src/);
  });
});

describe('server-observed components', () => {
  it('a browser cannot send them at sign-in; a resource server may pass them at /introspect (address truncated)', async () => {
    const { tokens } = await tokensFor(alice({ fingerprint: fp({ ...LAPTOP, ip: '10.9.9.9', 'http.ua': 'spoofed' }) }));
    const fpp = (await claimsOf(tokens.access_token)).fpp as string;
    const stored = (await w.t.issuer.db.prisma.fingerprintProfile.findUniqueOrThrow({ where: { id: fpp } })).components as Record<string, string>;
    const { hashComponent } = await import('../../../src/fingerprint/index.js');
    const { deploymentSecret } = await import('../../../src/keys/index.js');
    const key = await deploymentSecret(w.t.issuer.db, w.t.kek, 'fingerprint');
    expect(stored.ip).toBe(hashComponent(key, 'ip', '127.0.0.0/24'));
    expect(stored['http.ua']).not.toBe(hashComponent(key, 'http.ua', 'spoofed'));
    // the RS passes the presenter's raw address from the same /24 and the same other components
    const same = { ...LAPTOP, ip: '127.0.0.99' };
    expect((await introspect(w, tokens.access_token, { fingerprint: fp({ ...same, canvas: 'changed-a-little' }) })).body.active).toBe(true);
    const change = await w.t.issuer.db.prisma.fingerprintChange.findFirstOrThrow({ where: { profileId: fpp } });
    expect(change.changed).toEqual(['canvas']);
  });
});
