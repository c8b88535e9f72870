/**
 * The data migration of rows an earlier release stored in clear (risk events naming the
 * person as typed, as stored or by user id; lockouts `user:<name>`; step-ups by user
 * id): an issuer restarted on the same data rekeys them at start-up, keeps what they
 * mean (a lockout still locks the same name), records the run, does nothing the second
 * time, and `admin db migrate` (the real CLI, owning the data directory) does the same
 * for rows written meanwhile by a process still on the earlier release.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../../src/config/index.js';
import { PSEUDONYMISE_RISK, pseudonymiseRiskRecords } from '../../../src/privacy/index.js';
import { personLockout, stepUpSubject } from '../../../src/risk/index.js';
import { startIssuer, type Issuer } from '../../../src/server/index.js';
import { createUserService } from '../../../src/users/index.js';
import { freePort } from '../../support/issuer.js';
import { runAdmin } from '../admin/processes.js';
import { rowsMentioning } from './scan.js';

let root: string;
let config: Config;
let issuer: Issuer | undefined;
const logs: Record<string, unknown>[] = [];

async function start(): Promise<Issuer> {
  const sink = new Writable({ write(chunk: Buffer, _e, done) { for (const l of chunk.toString().split('\n')) if (l) logs.push(JSON.parse(l)); done(); } });
  issuer = await startIssuer(config, pino({ level: 'info' }, sink));
  return issuer;
}
async function stop(): Promise<void> {
  await issuer?.close();
  issuer = undefined;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pc-pseudonymise-'));
  const port = await freePort();
  config = loadConfig({ PORT: String(port), HOST: '127.0.0.1', ISSUER: `http://127.0.0.1:${port}`, DATA_DIR: join(root, 'data'), KEYS_DIR: join(root, 'keys') });
});
afterAll(async () => {
  await stop();
  await rm(root, { recursive: true, force: true });
});

const FUTURE = new Date(Date.now() + 3_600_000);
const LATER = new Date(Date.now() + 7_200_000);

it('rekeys every legacy risk row at the next start, keeps what it means, and records the run once', async () => {
  let t = await start();
  const users = createUserService({ db: t.db, kek: new Uint8Array(), issuer: config.issuer });
  const alice = await users.add({ username: 'Alice@Example.test', password: 'correct horse battery' });
  const bob = await users.add({ username: 'bob', password: 'correct horse battery' });
  const gone = '0b7c2f55-6a43-4c37-9f66-5d5a39ef3a10'; // the user id of an account deleted since
  const p = t.db.prisma;
  // what the earlier release wrote: the typed name (lower-cased), the stored username, user ids
  const events = ['alice@example.test', 'Alice@Example.test', alice.id, 'ghost', gone, 'bob'];
  await p.riskEvent.createMany({ data: events.map((subject, i) => ({ id: `legacy-${i}`, at: new Date(), kind: 'signal', name: 'login_failure', subject, score: 20 })) });
  await p.riskLockout.createMany({ data: [
    { key: 'user:alice@example.test', level: 2, until: FUTURE, reason: 'login_failure', updatedAt: new Date() },
    { key: 'user:ghost', level: 1, until: FUTURE, reason: 'login_failure', updatedAt: new Date() },
    { key: 'client:svc', level: 1, until: FUTURE, reason: 'dpop_replay', updatedAt: new Date() },
  ] });
  await p.riskStepUp.createMany({ data: [{ subject: alice.id, acr: 'urn:portcullis:acr:pwd', since: new Date(), expiresAt: LATER }] });
  // a row in today's format for bob already exists (written by an upgraded process), and a later legacy one
  const keys = t.risk.keys;
  await p.riskStepUp.create({ data: { subject: stepUpSubject(keys.ofUser(bob.id)), acr: 'urn:portcullis:acr:mfa', since: new Date(Date.now() - 60_000), expiresAt: LATER } });
  await p.riskStepUp.create({ data: { subject: bob.id, acr: 'urn:portcullis:acr:pwd', since: new Date(), expiresAt: LATER } });
  await stop();

  t = await start();
  expect(logs.filter((l) => l.event === 'privacy.pseudonymised')).toEqual([expect.objectContaining({ events: 6, lockouts: 2, stepUps: 2 })]);
  const rekeyed = await t.db.prisma.riskEvent.findMany({ where: { id: { startsWith: 'legacy-' } }, orderBy: { id: 'asc' } });
  expect(rekeyed.map((e) => e.subject)).toEqual(events.map(() => null));
  const aliceKey = keys.ofName('Alice@Example.test');
  expect(rekeyed.map((e) => e.subjectKey)).toEqual([aliceKey, aliceKey, aliceKey, keys.ofName('ghost'), keys.ofName(gone), keys.ofName('bob')]);
  const locks = (await t.db.prisma.riskLockout.findMany()).map((l) => ({ key: l.key, level: l.level }));
  expect(locks).toHaveLength(3);
  expect(locks).toEqual(expect.arrayContaining([{ key: 'client:svc', level: 1 }, { key: personLockout(keys.ofName('ghost')), level: 1 }, { key: personLockout(aliceKey), level: 2 }]));
  const steps = (await t.db.prisma.riskStepUp.findMany()).map((r) => ({ subject: r.subject, acr: r.acr }));
  expect(steps).toHaveLength(2);
  expect(steps).toEqual(expect.arrayContaining([
    { subject: stepUpSubject(keys.ofUser(alice.id)), acr: 'urn:portcullis:acr:pwd' },
    { subject: stepUpSubject(keys.ofUser(bob.id)), acr: 'urn:portcullis:acr:pwd' }, // the later of the two requirements
  ]));
  // the lockouts still lock the same names, however they are typed
  expect(await t.risk.checkLogin(' ALICE@example.test', '192.0.2.1')).toMatchObject({ reason: 'locked' });
  expect(await t.risk.checkLogin('Ghost', '192.0.2.1')).toMatchObject({ reason: 'locked' });
  // no risk row names anyone any more
  const named = await rowsMentioning(t.db, { alice: 'alice@example.test', aliceId: alice.id, ghost: 'ghost', gone, bobId: bob.id });
  expect(named.filter((h) => h.where.startsWith('Risk'))).toEqual([]);

  const recorded = await t.db.prisma.dataMigration.findUniqueOrThrow({ where: { name: PSEUDONYMISE_RISK } });
  expect(recorded.rows).toBe(10);
  expect(await pseudonymiseRiskRecords(t.db, keys)).toEqual({ events: 0, lockouts: 0, stepUps: 0 });
  expect((await t.db.prisma.dataMigration.findUniqueOrThrow({ where: { name: PSEUDONYMISE_RISK } })).rows).toBe(10);
  await stop();
  await start();
  expect(logs.filter((l) => l.event === 'privacy.pseudonymised')).toHaveLength(1); // nothing left: nothing logged
  await stop();
});

it('`admin db migrate` rekeys rows an earlier release wrote meanwhile, and reports the total', async () => {
  const t = await start();
  const legacy = { id: 'straggler', at: new Date(), kind: 'signal', name: 'login_failure', subject: 'carol', score: 20 };
  await t.db.prisma.riskEvent.create({ data: legacy });
  const carolKey = t.risk.keys.ofName('carol');
  await stop();
  const result = await runAdmin(['db', 'migrate'], { DATA_DIR: config.dataDir, KEYS_DIR: config.keysDir });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/risk records pseudonymised: 11 row\(s\) rekeyed since /);
  const after = await start();
  expect(await after.db.prisma.riskEvent.findUniqueOrThrow({ where: { id: 'straggler' } })).toMatchObject({ subject: null, subjectKey: carolKey });
  await stop();
});
