/**
 * Retention everywhere: a person leaves rows in every table the data inventory lists
 * (account, roles, permission changes, sessions, grants, refresh tokens, devices and
 * their changes, risk events, a lockout, a step-up requirement, security events, their
 * token generation, a revocation, the privacy audit, familiar places, a reset link, a
 * recovery code), then the `rows.purge` job's
 * processor runs on a clock moved forward: just inside each retention nothing of theirs
 * goes; past every one (with USER_INACTIVE_RETENTION set, their idle account is erased)
 * every one of those tables is empty, and a last run past `dropAfter` takes the kept
 * generation row too.
 */
import { pino } from 'pino';
import { addRole, assignRole } from '../../../src/authz/index.js';
import { addReceiver } from '../../../src/events/index.js';
import { createProcessors } from '../../../src/jobs/index.js';
import { exportUser, INVENTORY } from '../../../src/privacy/index.js';
import { deploymentSecret } from '../../../src/keys/index.js';
import { createRevocationService } from '../../../src/revocation/index.js';
import { createPasswordResets } from '../../../src/account/index.js';
import { serverErrors } from '../../support/issuer.js';
import { tokensFor } from '../users/browser.js';
import { API, REDIRECT } from '../users/setup.js';
import { fp, introspect, LAPTOP, OTHER_DEVICE, PASSWORD, startFingerprintWorld, type FingerprintWorld } from '../fingerprint/world.js';

const DAY = 86_400_000;
let w: FingerprintWorld;

beforeAll(async () => {
  w = await startFingerprintWorld({ RISK_SCORES: 'login_failure=20', USER_INACTIVE_RETENTION: '60d', FINGERPRINT_MISMATCH: 'step_up' });
});
afterAll(async () => {
  expect(serverErrors(w.t.logs)).toEqual([]);
  await w?.t.close();
});

const count = (table: string) => (w.t.issuer.db.prisma as unknown as Record<string, { count(): Promise<number> }>)[table[0].toLowerCase() + table.slice(1)].count();
async function counts(): Promise<Record<string, number>> {
  return Object.fromEntries(await Promise.all(INVENTORY.map(async (e) => [e.table, await count(e.table)] as const)));
}

/** One run of the `rows.purge` job, wired as the issuer wires it, on a clock reading `now`. */
async function purgeAt(now: Date): Promise<void> {
  const { db, keys, tokens, jobs, events } = w.t.issuer;
  const log = pino({ level: 'silent' });
  const processors = createProcessors({
    config: w.t.config, db, kek: w.t.kek, keys, revocation: createRevocationService({ db, subjectCacheTtlSec: 0 }), handleOf: tokens.handleOf, log,
    onKeysChanged: async () => undefined, now: () => now,
  }, jobs.queue, events);
  await processors['rows.purge']({}, { attempt: 1, log });
}

it('keeps a person\'s rows inside their retention and deletes them, everywhere, once the clock passes it', async () => {
  const { db } = w.t.issuer;
  await w.t.issuer.db.prisma.eventReceiver.deleteMany();
  await addReceiver(db, { clientId: 'web', audience: API, delivery: 'poll' }); // security events are stored for it
  const user = await w.users.add({ username: 'ret.person@example.test', password: PASSWORD });
  await addRole(db, 'clerk', ['orders:read']);
  await assignRole(db, { kind: 'user', id: user.id }, 'clerk');
  for (let i = 0; i < 5; i++) await w.t.issuer.risk.loginFailed(user.username, '81.2.69.142'); // events and a lockout
  await w.t.issuer.db.prisma.riskLockout.updateMany({ data: { until: new Date() } }); // over, so it can sign in
  const { tokens } = await tokensFor({ config: w.web, redirectUri: REDIRECT, username: user.username, password: PASSWORD, params: { resource: API }, fingerprint: fp(LAPTOP) });
  await introspect(w, tokens.access_token, { fingerprint: fp(OTHER_DEVICE) }); // a change record and a step-up requirement
  await w.t.issuer.events.emit({ type: 'account.disabled', sub: user.id });
  const revoked = await fetch(`${w.t.url}/revoke`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`web:${encodeURIComponent(w.secret)}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: tokens.access_token }) });
  expect(revoked.status).toBe(200); // a revocation row
  await w.t.issuer.tokens.revokeSubject(user.id); // a key generation row
  await exportUser({ db, handlePepper: await deploymentSecret(db, w.t.kek, 'subject-handle'), keys: w.t.issuer.risk.keys }, user.id); // an audit entry
  await createPasswordResets({ db, ttlSec: w.t.config.passwordResetTtl }).issue(user.id); // a pending reset link
  await db.prisma.recoveryCode.create({ data: { hash: 'recovery-code-digest', userId: user.id } }); // a second-factor recovery code
  const before = await counts();
  for (const e of INVENTORY) expect([e.table, before[e.table]]).toEqual([e.table, expect.any(Number)]);
  expect(Object.entries(before).filter(([, n]) => n === 0)).toEqual([]); // every table has a row to lose

  // two days later: nothing with a longer retention went
  await purgeAt(new Date(Date.now() + 2 * DAY));
  expect(await w.users.find(user.id)).toBeDefined();
  expect(await count('FingerprintProfile')).toBe(before.FingerprintProfile);
  expect(await count('RiskEvent')).toBe(before.RiskEvent);
  expect(await count('PermissionChange')).toBe(before.PermissionChange);
  expect(await count('PrivacyAudit')).toBe(before.PrivacyAudit);
  expect(await count('RiskLockout')).toBe(0); // over (the last one lasted 30 minutes) for longer than RISK_LOCKOUT_MAX (24h)

  // past every retention: the idle account is erased with everything about it
  const later = new Date(Date.now() + 400 * DAY);
  await purgeAt(later);
  expect(await w.users.find(user.id)).toBeUndefined();
  const left = await counts();
  expect(left).toMatchObject({ SubjectKey: 1 }); // kept until its last token expired
  expect(await db.prisma.subjectKey.count({ where: { dropAfter: { not: null } } })).toBe(1);
  await purgeAt(new Date(later.getTime() + 400 * DAY));
  expect(await counts()).toEqual(Object.fromEntries(INVENTORY.map((e) => [e.table, 0])));
});
