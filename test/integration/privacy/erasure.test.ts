/**
 * Erasure erases, and nothing names anyone, tried the way a new user would: a person
 * whose username is an e-mail address types five wrong passwords from London (behind a
 * trusted proxy) and is locked out, an admin unlocks them with the real CLI, they sign
 * in, their token is presented from Tokyo (impossible travel: the session is revoked and
 * resource servers are told), an admin looks them up (`events list --subject`) and
 * exports them, then erases them (`user erase`, the real CLI). Afterwards:
 *   - `events list --subject` finds nothing, and every row of every table is scanned
 *     for their username, user id, pseudonymous keys, addresses: only the two rows the
 *     docs say must stay (their token generation, the erasure's own revocation events)
 *     still hold their handle or id, and nothing holds their name or keys;
 *   - the security-team alerts named them only by an opaque key;
 *   - no log line of the issuer or the CLI, from any of these flows, carries their name,
 *     e-mail address, user id, address, password, tokens, code or a client secret, and
 *     the risk decision lines tell them apart by that same key.
 * The same end state through DELETE /me/data with the person's own token.
 * Before subject keys, the scan found the username in RiskEvent and RiskLockout,
 * `events list` still listed 11 events, the log and the alert named the e-mail address.
 */
import * as client from 'openid-client';
import { decodeJwt } from 'jose';
import { addReceiver } from '../../../src/events/index.js';
import { subjectHandle, deploymentSecret } from '../../../src/keys/index.js';
import { RISK_DECISION_EVENT } from '../../../src/risk/index.js';
import { serverErrors } from '../../support/issuer.js';
import { eventually, startReceiver, type RunningReceiver } from '../../support/receivers.js';
import { runAdmin, type Exited } from '../admin/processes.js';
import { startRecorder, type Recorder } from '../risk/receiver.js';
import { Browser, formAction, hidden, signIn, tokensFor } from '../users/browser.js';
import { API, REDIRECT, startUsersWorld, type UsersWorld } from '../users/setup.js';
import { linesMentioning, lookalikes, rowsMentioning, type Needles } from './scan.js';

const LONDON = '81.2.69.142';
const TOKYO = '1.0.16.1';
const PASSWORD = 'correct horse battery';
const WRONG = 'wrong password, sorry';
let w: UsersWorld;
let alerts: Recorder;
let notices: Recorder;
let iss: Recorder;
let opaque: RunningReceiver;
let offsetMs = 0;
const cli: Exited[] = [];
/** every credential the flows handled: none may reach a log line */
const secrets: Record<string, string> = {};

beforeAll(async () => {
  alerts = await startRecorder(202);
  notices = await startRecorder(200);
  iss = await startRecorder(202);
  // default risk scores: five wrong passwords (20 each) reach the lockout threshold (100);
  // the throttle locks after seven consecutive failures (reached only with TOTP codes below)
  w = await startUsersWorld({
    RISK_SCORES: 'login_failure=20', RISK_ALERT_URL: alerts.url, RISK_WEBHOOK_URL: notices.url, THROTTLE_LOCKOUT_AFTER: '7',
    TRUSTED_PROXIES: '127.0.0.1', JOB_REVALIDATE_INTERVAL: '1s', LOG_LEVEL: 'debug',
  }, { now: () => Date.now() + offsetMs });
  secrets.clientSecret = w.secret;
  opaque = await startReceiver({ issuer: w.t.url, audience: API });
  await addReceiver(w.t.issuer.db, { clientId: 'web', audience: API, delivery: 'push', endpointUrl: opaque.url });
  await addReceiver(w.t.issuer.db, { clientId: 'web', audience: API, delivery: 'push', endpointUrl: iss.url, subjectFormat: 'iss_sub' });
});
afterAll(async () => {
  expect(serverErrors(w.t.logs)).toEqual([]);
  await w?.t.close();
  await Promise.all([alerts?.close(), notices?.close(), iss?.close(), opaque?.close()]);
});

/** The real admin CLI against the running issuer's data directory; its output is kept for the log scan. */
async function admin(args: string[], stdin?: string): Promise<string> {
  const env = { DATA_DIR: w.t.config.dataDir, KEYS_DIR: w.t.config.keysDir, ISSUER: w.t.url, LOG_LEVEL: 'debug' };
  const result = await runAdmin(args, env, stdin);
  cli.push(result);
  if (result.code !== 0) throw new Error(`admin ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

/** One login form post (from London unless `from` says otherwise) with `password`; the page it answers with. */
async function attempt(username: string, password: string, from = LONDON) {
  const browser = new Browser({ 'x-forwarded-for': from });
  const url = client.buildAuthorizationUrl(w.web, {
    redirect_uri: REDIRECT, scope: 'openid read', resource: API, code_challenge_method: 'S256',
    code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
  });
  const page = await browser.follow(url.href, REDIRECT);
  const action = new URL(formAction(page.html), page.url).href;
  return browser.request(action, { method: 'POST', body: new URLSearchParams({ csrf: hidden(page.html, 'csrf')!, username, password }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
}

async function introspect(token: string, presenterIp?: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${w.t.url}/introspect`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`web:${encodeURIComponent(w.secret)}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, ...(presenterIp ? { presenter_ip: presenterIp } : {}) }),
  });
  return res.json() as Promise<Record<string, unknown>>;
}

/** What names the person: their name as typed and stored, their id, their keys and handle, their addresses. */
async function needlesFor(username: string, id: string): Promise<Needles> {
  const keys = w.t.issuer.risk.keys;
  const handle = subjectHandle(await deploymentSecret(w.t.issuer.db, w.t.kek, 'subject-handle'), id);
  return { username, lowercased: username.toLowerCase(), localPart: username.split('@')[0], id, nameKey: keys.ofName(username), userKey: keys.ofUser(id), handle, london: LONDON, tokyo: TOKYO };
}

describe('a person with an e-mail address for a username, erased with the CLI', () => {
  const USER = 'Frank.Castle@example.test';
  let id: string;
  let needles: Needles;

  it('is locked out after five wrong passwords, unlocked by an admin, and signs in', async () => {
    expect(await admin(['user', 'add', '--username', USER, '--password-stdin'], PASSWORD)).toContain(`user ${USER} added`);
    id = (await w.users.find(USER))!.id;
    needles = await needlesFor(USER, id);
    secrets.password = PASSWORD;
    secrets.wrong = WRONG;
    for (let i = 0; i < 5; i++) expect((await attempt(USER, WRONG)).html).toContain('The username or password is incorrect.');
    expect((await attempt(USER, PASSWORD)).status).toBe(429);

    expect(await admin(['user', 'unlock', USER])).toContain('unlocked');
    offsetMs += 16 * 60_000; // past the lockout cache (1 s) and the failures' score window (15 min)
    const { tokens } = await tokensFor({ config: w.web, redirectUri: REDIRECT, username: USER, password: PASSWORD, params: { resource: API }, browser: new Browser({ 'x-forwarded-for': LONDON }) });
    Object.assign(secrets, { access: tokens.access_token, refresh: tokens.refresh_token!, idToken: tokens.id_token! });
    expect(await introspect(tokens.access_token)).toMatchObject({ active: true, sub: id });

    // presented from Tokyo moments after a London sign-in: impossible travel, a new sign-in is required
    expect(await introspect(tokens.access_token, TOKYO)).toMatchObject({ active: false, step_up: { error: 'insufficient_user_authentication' } });
    expect(await introspect(tokens.access_token)).toMatchObject({ active: false });
  });

  it('an admin finds them by name (audited) and exports them, with the risk records', async () => {
    const listed = await admin(['events', 'list', '--subject', USER, '--since', '1h']);
    const lines = listed.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(9); // 5 failures and their decisions, lockout, unlock, travel, step-up
    expect(listed).toContain(`subject=${needles.nameKey}`);
    expect(listed).not.toMatch(/frank/i);
    const audit = await w.t.issuer.db.prisma.privacyAudit.findMany({ where: { action: 'risk.lookup' } });
    expect(audit).toEqual([expect.objectContaining({ actor: 'admin', subjectKey: needles.nameKey })]);

    const data = JSON.parse(await admin(['user', 'export', USER])) as Record<string, any>;
    expect(data.user).toMatchObject({ id, username: USER });
    expect(data.riskEvents.map((e: { name: string }) => e.name)).toEqual(expect.arrayContaining(['login_failure', 'lockout', 'unlock', 'impossible_travel', 'step_up']));
    expect(data.lockouts).toEqual([expect.objectContaining({ level: 1, reason: expect.stringContaining('login_failure') })]);
    expect(data.stepUps).toHaveLength(1);
    expect(data.accessLog).toEqual([expect.objectContaining({ action: 'risk.lookup', actor: 'admin' })]);
    expect(JSON.stringify(data)).not.toContain(LONDON);
  });

  it('`user erase` leaves no row that names them or carries their keys; what must stay is only their handle, as documented', async () => {
    const before = await rowsMentioning(w.t.issuer.db, needles);
    expect(before.map((h) => h.where)).toEqual(expect.arrayContaining(['User', 'RiskEvent', 'RiskLockout', 'RiskStepUp', 'OidcPayload', 'PrivacyAudit']));

    expect(await admin(['user', 'erase', USER])).toMatch(/erased: .* risk event\(s\), 1 lockout\(s\), 1 step-up requirement\(s\)/);
    expect((await admin(['events', 'list', '--subject', USER, '--since', '1h'])).trim()).toBe('no risk events');

    const after = await rowsMentioning(w.t.issuer.db, needles);
    // the token generation that stops their remaining tokens, until those expire
    const generation = await w.t.issuer.db.prisma.subjectKey.findUniqueOrThrow({ where: { handle: needles.handle } });
    expect(generation.dropAfter).not.toBeNull();
    // the erasure's own subject.revoked events: by handle (opaque receivers) or id (iss_sub receivers)
    const kept = await w.t.issuer.db.prisma.securityEvent.findMany({ where: { eventKey: `subject.revoked:${needles.handle}:${generation.generation}` } });
    expect(kept).toHaveLength(2);
    const allowed = (h: { where: string; label: string; text: string }) => (h.where === 'SubjectKey' && h.label === 'handle')
      || (h.where === 'SecurityEvent' && ['handle', 'id'].includes(h.label) && kept.some((e) => h.text.includes(e.jti)));
    expect(after.filter((h) => !allowed(h))).toEqual([]);
    expect(after.filter((h) => h.label === 'username' || h.label === 'nameKey' || h.label === 'userKey')).toEqual([]);
    const erased = await w.t.issuer.db.prisma.privacyAudit.findMany({ where: { action: 'user.erased' } });
    expect(erased).toEqual([expect.objectContaining({ actor: 'admin', subjectKey: null })]);
    expect(erased[0].details).not.toHaveProperty('generation'); // counts only: a generation could be matched with the row above
    // resource servers are told to stop their remaining tokens: by handle, or by id where allowed
    await eventually('subject.revoked at the receivers', 10_000, () => opaque.receiver.view.size() > 0 && iss.bodies.length > 0);
    // (revalidation may store the same fact first, from the bumped generation alone: then by handle)
    expect([{ format: 'iss_sub', iss: w.t.url, sub: id }, { format: 'opaque', id: needles.handle }]).toContainEqual(decodeJwt(iss.bodies[0].body).sub_id);
  });

  it('a name nobody has is locked out the same way (nothing tells it from an account), keyed, and notified to no one', async () => {
    const typed = 'Nobody.Here@Example.test';
    for (let i = 0; i < 5; i++) expect((await attempt(typed, WRONG, TOKYO)).html).toContain('The username or password is incorrect.');
    expect((await attempt(typed, PASSWORD, TOKYO)).status).toBe(429);
    const key = w.t.issuer.risk.keys.ofName(typed);
    expect(await w.t.issuer.db.prisma.riskLockout.count({ where: { key: `subject:${key}` } })).toBe(1);
    expect(w.t.issuer.risk.keys.ofName(' nobody.here@example.test ')).toBe(key); // compared as the engine always did
    await eventually('its alert', 10_000, () => alerts.bodies.some((b) => (decodeJwt(b.body).sub_id as { id: string }).id === key));
    expect(notices.bodies.map((b) => decodeJwt(b.body)).map((n) => [n.type, n.username])).toEqual([['locked_out', USER]]); // the person's own, earlier
    expect(linesMentioning([...w.t.logs, ...alerts.bodies.map((b) => decodeJwt(b.body))], { typed, lowercased: typed.toLowerCase(), localPart: 'nobody.here' })).toEqual([]);
  });

  it('wrong second-factor codes lock the account in the throttle; its log line names a key and a network', async () => {
    const other = 'totp.person@example.test';
    const id = (await w.users.add({ username: other, password: PASSWORD })).id;
    secrets.totpUri = (await w.users.enrolTotp(other))!;
    const wrongCodes = () => signIn({ config: w.web, redirectUri: REDIRECT, username: other, password: PASSWORD, params: { resource: API }, code: () => '000000', browser: new Browser({ 'x-forwarded-for': LONDON }) });
    await wrongCodes(); // four codes per sign-in
    await wrongCodes();
    expect(w.t.logs.filter((l) => l.event === 'throttle.lockout')).toEqual([expect.objectContaining({ kind: 'totp', subject: w.t.issuer.risk.keys.ofUser(id), net: '81.2.69.0/24' })]);
    expect(linesMentioning(w.t.logs, { other, id })).toEqual([]);
  });

  it('the security-team alerts named them by an opaque key only', async () => {
    await eventually('alerts', 10_000, () => alerts.bodies.length >= 3);
    const payloads = alerts.bodies.map((b) => decodeJwt(b.body));
    const nobody = w.t.issuer.risk.keys.ofName('nobody.here@example.test');
    for (const p of payloads) {
      expect(p.sub_id).toEqual({ format: 'opaque', id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) });
      expect([needles.nameKey, nobody]).toContain((p.sub_id as { id: string }).id);
      expect(p.events).toHaveProperty([RISK_DECISION_EVENT]);
      expect(linesMentioning([p], { ...needles, nameKey: '' })).toEqual([]);
    }
    const theirs = payloads.filter((p) => (p.sub_id as { id: string }).id === needles.nameKey);
    expect(theirs.map((p) => Object.values(p.events as object)[0].decision).sort()).toEqual(['lockout', 'step_up']);
  });

  it('no log line of the issuer or the CLI names them, their address, or carries a credential; risk lines tell them apart by key', async () => {
    const lines = [...w.t.logs, ...cli.flatMap((r) => r.stderr.split('\n').filter(Boolean))];
    expect(lines.length).toBeGreaterThan(30);
    expect(linesMentioning(lines, { ...needles, nameKey: '', userKey: '', handle: '', ...secrets })).toEqual([]);
    expect(lines.flatMap((l) => lookalikes(typeof l === 'string' ? l : JSON.stringify(l), ['127.0.0.1']))).toEqual([]);
    const decisions = w.t.logs.filter((l) => l.event === 'risk.decision' && l.subject !== w.t.issuer.risk.keys.ofName('nobody.here@example.test'));
    expect(decisions.map((d) => d.decision).sort()).toEqual(['lockout', 'step_up']);
    for (const d of decisions) expect(d.subject).toBe(needles.nameKey);
  });
});

describe('GET and DELETE /me/data', () => {
  const USER = 'grace.hopper@example.test';

  it('exports the risk records with the rest; erasing leaves the same: no row names the person or carries their keys', async () => {
    const audience = `${w.t.url}/me`;
    await w.t.addResource({ audience, scopes: ['read'] });
    const secret = await w.t.addClient({ id: 'account', scopes: ['read'], audiences: [audience], grants: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT] });
    const account = await client.discovery(new URL(w.t.url), 'account', {}, client.ClientSecretBasic(secret), { execute: [client.allowInsecureRequests] });
    const id = (await w.users.add({ username: USER, password: PASSWORD })).id;
    const needles = await needlesFor(USER, id);
    for (let i = 0; i < 2; i++) await attempt(USER, WRONG);
    await signIn({ config: w.web, redirectUri: REDIRECT, username: USER, password: PASSWORD, params: { resource: API }, browser: new Browser({ 'x-forwarded-for': LONDON }) });
    const { tokens } = await tokensFor({ config: account, redirectUri: REDIRECT, username: USER, password: PASSWORD, params: { resource: audience }, browser: new Browser({ 'x-forwarded-for': LONDON }) });
    expect((await rowsMentioning(w.t.issuer.db, needles)).map((h) => h.where)).toEqual(expect.arrayContaining(['User', 'RiskEvent', 'OidcPayload']));

    const got = await fetch(`${w.t.url}/me/data`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(got.status).toBe(200);
    const data = await got.json() as Record<string, any>;
    expect(data.riskEvents.filter((e: { name: string }) => e.name === 'login_failure')).toHaveLength(2);
    expect(data.sessionsAndGrants.map((g: { kind: string }) => g.kind)).toEqual(expect.arrayContaining(['session', 'grant', 'refresh_token']));
    expect(data).toMatchObject({ lockouts: [], stepUps: [], accessLog: [] }); // the export itself is audited from now on
    expect(await w.t.issuer.db.prisma.privacyAudit.count({ where: { action: 'user.exported', actor: 'user', subjectKey: needles.nameKey } })).toBe(1);

    const erased = await fetch(`${w.t.url}/me/data`, { method: 'DELETE', headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(erased.status).toBe(204);
    const after = await rowsMentioning(w.t.issuer.db, needles);
    const allowed = (h: { where: string; label: string }) => (h.where === 'SubjectKey' && h.label === 'handle') || (h.where === 'SecurityEvent' && ['handle', 'id'].includes(h.label));
    expect(after.filter((h) => !allowed(h))).toEqual([]);
    expect(await w.t.issuer.db.prisma.privacyAudit.count({ where: { action: 'user.erased', actor: 'user', subjectKey: null } })).toBe(1);
    expect(linesMentioning(w.t.logs, { username: USER, id, london: LONDON, access: tokens.access_token })).toEqual([]);
  });
});
