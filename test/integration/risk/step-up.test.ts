/**
 * Step-up end to end over HTTP: a user's token introspected with the presenter's
 * address in London, then (clock injected) ten minutes later in Tokyo, is impossible
 * travel; the policy requires step-up, so the token stops introspecting active, the
 * answer carries the step-up hint, the SDK answers an RFC 9470 challenge with
 * acr_values, a security-team SET alert is pushed, and a new sign-in with the second
 * factor gives a token that is active again.
 */
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { TOTP, URI } from 'otpauth';
import { AccessTokenError, challenge, createIntrospectionVerifier } from '@portcullis/sdk';
import { listRiskEvents, RISK_DECISION_EVENT, stepUpSubject } from '../../../src/risk/index.js';
import { createStepUps } from '../../../src/risk/step-up.js';
import { ACR_MFA, ACR_PASSWORD } from '../../../src/users/index.js';
import { serverErrors, leaksInternals } from '../../support/issuer.js';
import { eventually } from '../../support/receivers.js';
import { tokensFor } from '../users/browser.js';
import { API, REDIRECT, startUsersWorld, type UsersWorld } from '../users/setup.js';
import { startRecorder, type Recorder } from './receiver.js';

const LONDON = '81.2.69.142';
const TOKYO = '1.0.16.1';
const PASSWORD = 'correct horse battery';
let w: UsersWorld;
let alerts: Recorder;
let offsetMs = 0;
let totp: TOTP;

beforeAll(async () => {
  alerts = await startRecorder(202);
  w = await startUsersWorld({ RISK_ALERT_URL: alerts.url, RISK_SCORES: 'login_failure=20,refresh_reuse=60,recent_failures=10' }, { now: () => Date.now() + offsetMs });
  await w.users.add({ username: 'erin', password: PASSWORD });
  totp = URI.parse((await w.users.enrolTotp('erin'))!) as TOTP;
});
afterAll(async () => {
  expect(serverErrors(w.t.logs)).toEqual([]);
  await w?.t.close();
  await alerts?.close();
});

// the first sign-in uses the previous step's code, the second the current one (each step once)
const signInErin = (stepsBack: number, params: Record<string, string> = {}) => tokensFor({
  config: w.web, redirectUri: REDIRECT, username: 'erin', password: PASSWORD, params: { resource: API, ...params },
  code: () => totp.generate({ timestamp: Date.now() + offsetMs - stepsBack * 30_000 }),
});

async function introspect(token: string, presenterIp?: string): Promise<{ status: number; body: Record<string, unknown>; text: string }> {
  const res = await fetch(`${w.t.url}/introspect`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`web:${encodeURIComponent(w.secret)}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, ...(presenterIp ? { presenter_ip: presenterIp } : {}) }).toString(),
  });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Record<string, unknown>, text };
}

/** Waits until the wall clock has entered a new second. */
// auth_time has whole seconds: a sign-in in the requirement's own second does not count, so the issuer's clock moves on one
const nextSecond = () => { offsetMs += 1000; };

describe('the step-up store', () => {
  it('counts only sign-ins from the second after the requirement: auth_time cannot order one within it', async () => {
    const raisedAt = (Math.floor(Date.now() / 1000) + 100) * 1000 + 500; // half a second into a whole second
    const store = createStepUps(w.t.issuer.db, { now: () => raisedAt, keepSec: 600 });
    const subject = 'step-up-store-subject';
    await store.require(subject, ACR_MFA);
    const second = Math.floor(raisedAt / 1000);
    const requirement = { acr: ACR_MFA, since: raisedAt };
    expect(await store.unmet(subject, { acr: ACR_MFA, auth_time: second - 1 })).toEqual(requirement);
    expect(await store.unmet(subject, { acr: ACR_MFA, auth_time: second })).toEqual(requirement); // maybe before it, maybe after
    expect(await store.unmet(subject, { acr: ACR_MFA, auth_time: second + 1 })).toBeUndefined();
    expect(await store.unmet(subject, { acr: ACR_PASSWORD, auth_time: second + 1 })).toEqual(requirement); // below the level
    expect(await store.unmet('someone-else', { acr: ACR_PASSWORD, auth_time: 0 })).toBeUndefined();
    await w.t.issuer.db.prisma.riskStepUp.delete({ where: { subject } });
  });
});

describe('impossible travel triggers step-up', () => {
  it('makes the token inactive with a hint, challenges through the SDK, and a second-factor sign-in clears it', async () => {
    const { tokens } = await signInErin(1);
    const token = tokens.access_token;

    offsetMs = -10 * 60_000;
    expect((await introspect(token, LONDON)).body).toMatchObject({ active: true, acr: ACR_MFA });
    offsetMs = 0;
    const refused = await introspect(token, TOKYO);
    expect(refused.status).toBe(200);
    expect(refused.body).toEqual({ active: false, step_up: { error: 'insufficient_user_authentication', acr_values: ACR_MFA } });
    expect((await introspect(token)).body).toEqual(refused.body); // without an address too: the requirement holds
    // a JWT introspection response (RFC 9701) says the same, signed
    const asJwt = await fetch(`${w.t.url}/introspect`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`web:${encodeURIComponent(w.secret)}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/token-introspection+jwt' },
      body: new URLSearchParams({ token }).toString(),
    });
    expect(asJwt.status).toBe(200);
    const { payload: signed } = await jwtVerify(await asJwt.text(), createRemoteJWKSet(new URL(`${w.t.url}/jwks`)), { issuer: w.t.url, typ: 'token-introspection+jwt' });
    expect(signed.token_introspection).toEqual(refused.body);

    // the resource server's SDK turns it into the RFC 9470 challenge
    const verifier = createIntrospectionVerifier({ issuer: w.t.url, audience: API, clientId: 'web', clientSecret: w.secret });
    const err = await verifier.verify(token).then(() => undefined, (e: unknown) => e as AccessTokenError);
    expect(err).toBeInstanceOf(AccessTokenError);
    expect(err).toMatchObject({ code: 'insufficient_user_authentication', status: 401, acrValues: ACR_MFA });
    const header = challenge(err!, { headers: { authorization: `Bearer ${token}` } } as never, {});
    expect(header).toContain('error="insufficient_user_authentication"');
    expect(header).toContain(`acr_values="${ACR_MFA}"`);

    // the client sends the user back with acr_values: a fresh second-factor sign-in is fine
    // (from the next second on: auth_time has whole seconds, and one in the requirement's own second does not count)
    nextSecond();
    const again = await signInErin(0, { acr_values: ACR_MFA, prompt: 'login' });
    expect(await verifier.verify(again.tokens.access_token)).toMatchObject({ subject: expect.any(String) });
    expect((await introspect(again.tokens.access_token)).body).toMatchObject({ active: true });
    expect((await introspect(token)).body.active).toBe(false); // the old one stays refused
  });

  it('logs the signal and the decision without raw addresses, counts them, and alerts the security team with a signed SET', async () => {
    const rows = await listRiskEvents(w.t.issuer.db, { subjectKeys: [w.t.issuer.risk.keys.ofName('erin')] });
    expect(rows.map((r) => `${r.kind}:${r.name}`)).toEqual(expect.arrayContaining(['signal:impossible_travel', 'decision:step_up']));
    const travel = rows.find((r) => r.name === 'impossible_travel')!;
    expect(travel).toMatchObject({ ipCoarse: '1.0.16.0/24', country: 'JP', score: 60 });
    expect(JSON.stringify(rows)).not.toContain(TOKYO);
    expect(JSON.stringify(rows)).not.toContain(LONDON);

    const metrics = await (await fetch(`${w.t.url}/metrics`)).text();
    expect(metrics).toMatch(/portcullis_risk_signals_total\{signal="impossible_travel"\} 1/);
    expect(metrics).toMatch(/portcullis_risk_decisions_total\{decision="step_up"\} 1/);

    await eventually('alert SET', 5000, () => alerts.bodies.length > 0);
    expect(alerts.bodies[0].contentType).toBe('application/secevent+jwt');
    const jwks = createRemoteJWKSet(new URL(`${w.t.url}/jwks`));
    const { payload, protectedHeader } = await jwtVerify(alerts.bodies[0].body, jwks, { issuer: w.t.url, typ: 'secevent+jwt' });
    expect(protectedHeader.typ).toBe('secevent+jwt');
    expect(payload.events).toMatchObject({ [RISK_DECISION_EVENT]: { decision: 'step_up', signals: ['impossible_travel'] } });
  });

  it('refresh-token reuse asks a user without a second factor for a fresh password sign-in', async () => {
    await w.users.add({ username: 'hank', password: PASSWORD });
    const { tokens } = await tokensFor({ config: w.web, redirectUri: REDIRECT, username: 'hank', password: PASSWORD, params: { resource: API } });
    await client.refreshTokenGrant(w.web, tokens.refresh_token!, { resource: API });
    await expect(client.refreshTokenGrant(w.web, tokens.refresh_token!, { resource: API })).rejects.toMatchObject({ error: 'invalid_grant' });
    await eventually('refresh reuse decision', 5000, async () => (await listRiskEvents(w.t.issuer.db, { subjectKeys: [w.t.issuer.risk.keys.ofName('hank')], kind: 'decision' })).length > 0);
    const rows = await listRiskEvents(w.t.issuer.db, { subjectKeys: [w.t.issuer.risk.keys.ofName('hank')] });
    expect(rows.map((r) => `${r.kind}:${r.name}`)).toEqual(expect.arrayContaining(['signal:refresh_reuse', 'decision:step_up']));
    expect((await introspect(tokens.access_token)).body).toEqual({ active: false }); // oidc-provider revoked the grant
    const hank = await w.users.find('hank');
    expect(await w.t.issuer.db.prisma.riskStepUp.findUnique({ where: { subject: stepUpSubject(w.t.issuer.risk.keys.ofUser(hank!.id)) } })).toMatchObject({ acr: ACR_PASSWORD });
    nextSecond();
    const fresh = await tokensFor({ config: w.web, redirectUri: REDIRECT, username: 'hank', password: PASSWORD, params: { resource: API, prompt: 'login' } });
    expect((await introspect(fresh.tokens.access_token)).body).toMatchObject({ active: true });
  });

  it('refuses a malformed presenter_ip with a clear error and no stack trace', async () => {
    for (const bad of ['not-an-ip', '1.2.3.4.5', 'x'.repeat(5000)]) {
      const res = await introspect('whatever', bad).catch(() => undefined);
      expect(res?.status).toBe(400);
      expect(res?.body).toMatchObject({ error: 'invalid_request', error_description: 'presenter_ip must be one IPv4 or IPv6 address' });
      expect(leaksInternals(res!.text)).toBe(false);
    }
  });
});
