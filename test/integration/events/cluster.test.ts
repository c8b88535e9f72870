/**
 * Cluster mode against the real PostgreSQL and Redis: an issuer that only adds jobs,
 * two BullMQ worker processes' worth of workers, a unique schema and queue prefix.
 * A receiver that is down for a while gets every event once it is back (at-least-once,
 * deduplicated by jti); a receiver answering 400 gets the event once.
 */
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import pg from 'pg';
import { pino } from 'pino';
import { addReceiver } from '../../../src/events/index.js';
import { generateKek } from '../../../src/keys/index.js';
import type { RevokableToken } from '@portcullis/sdk';
import { startWorkerProcess, type WorkerProcess } from '../../../src/server/index.js';
import { join } from 'node:path';
import { assertBuilt, freePort, runScript } from '../admin/processes.js';
import { oauthClient, type OAuthClient } from '../admin/oauth.js';
import { startTestIssuer, serverErrors, type TestIssuer } from '../../support/issuer.js';
import { eventually, startFixedEndpoint, startReceiver, type RunningReceiver } from '../../support/receivers.js';

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SCHEMA = `t_events_${randomBytes(4).toString('hex')}`;
const PREFIX = `pc-test-${randomBytes(4).toString('hex')}`;
const AUDIENCE = 'https://orders.example/api';
const SCOPE = 'orders:read';
const CLIENT = 'orders-app';
const SECRET = 'orders-app-secret-0123456789-abcdefghijkl';

let t: TestIssuer;
let workers: WorkerProcess[] = [];
let oauth: OAuthClient;

async function revokable(token: string): Promise<RevokableToken> {
  const opened = await t.issuer.tokens.open(token);
  if (!opened) throw new Error('token does not open');
  return { jti: opened.claims.jti, sub: opened.claims.sub, sh: opened.context.sh, gen: opened.context.gen };
}

beforeAll(async () => {
  t = await startTestIssuer({
    DATABASE_URL: PG_URL, DATABASE_SCHEMA: SCHEMA, REDIS_URL, PORTCULLIS_KEK: generateKek(), JOB_QUEUE_PREFIX: PREFIX,
    EVENT_PUSH_MAX_BACKOFF: '1s',
  });
  const quiet = pino({ level: 'silent' });
  workers = [await startWorkerProcess(t.config, quiet), await startWorkerProcess(t.config, quiet)];
  await t.addResource({ audience: AUDIENCE, scopes: [SCOPE] });
  await t.addClient({ id: CLIENT, secret: SECRET, scopes: [SCOPE], audiences: [AUDIENCE] });
  oauth = await oauthClient(t.url, CLIENT, SECRET);
});

afterAll(async () => {
  for (const w of workers) await w.close();
  await t?.close();
  for (const name of ['events', 'maintenance']) {
    const q = new Queue(name, { connection: { url: REDIS_URL }, prefix: PREFIX });
    await q.obliterate({ force: true });
    await q.close();
  }
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
  await client.end();
});

it('a receiver down for a while gets every event once it is back', async () => {
  const port = await freePort(); // nothing listens here yet
  const r = await addReceiver(t.issuer.db, { clientId: CLIENT, audience: AUDIENCE, delivery: 'push', endpointUrl: `http://127.0.0.1:${port}/events` });
  const tokens = await Promise.all([1, 2, 3].map(() => oauth.token(AUDIENCE, SCOPE)));
  const infos = await Promise.all(tokens.map(revokable));
  for (const token of tokens) await oauth.revoke(token);
  await eventually('failed attempts while the receiver is down', 5000, async () =>
    (await t.issuer.db.prisma.securityEvent.count({ where: { receiverId: r.id, status: 'pending', attempts: { gte: 2 } } })) === 3, 50);

  let rs: RunningReceiver | undefined;
  try {
    rs = await startReceiver({ issuer: t.url, audience: AUDIENCE }, port);
    const view = rs.receiver.view;
    await eventually('every revoked token refused by the receiver', 10_000, () => infos.every((i) => view.isRevoked(i)));
    await eventually('every event recorded as delivered', 5000, async () =>
      (await t.issuer.db.prisma.securityEvent.count({ where: { receiverId: r.id, status: 'delivered' } })) === 3, 50);
    expect(rs.receiver.stats.accepted).toBe(3);
    expect(rs.receiver.stats.rejected).toEqual({});
    expect(view.isRevoked(await revokable(await oauth.token(AUDIENCE, SCOPE)))).toBe(false);
  } finally {
    await rs?.close();
    await t.issuer.db.prisma.eventReceiver.delete({ where: { id: r.id } });
  }
});

it('a receiver answering 400 gets the event once and the failure is recorded', async () => {
  const refusing = await startFixedEndpoint(400);
  const r = await addReceiver(t.issuer.db, { clientId: CLIENT, audience: AUDIENCE, delivery: 'push', endpointUrl: refusing.url });
  try {
    await oauth.revoke(await oauth.token(AUDIENCE, SCOPE));
    await eventually('the refusal to be recorded', 5000, async () =>
      (await t.issuer.db.prisma.securityEvent.count({ where: { receiverId: r.id, status: 'failed' } })) === 1, 50);
    // the push job failed for good after one attempt: BullMQ runs a failed job no more
    const { jti } = (await t.issuer.db.prisma.securityEvent.findFirst({ where: { receiverId: r.id } }))!;
    const queue = new Queue('events', { connection: { url: REDIS_URL }, prefix: PREFIX });
    try {
      const job = await eventually('the push job to fail for good', 5000, async () => (await (await queue.getJob(jti))?.getState()) === 'failed', 50).then(() => queue.getJob(jti));
      expect(job?.attemptsMade).toBe(1);
    } finally {
      await queue.close();
    }
    expect(refusing.calls()).toBe(1);
    expect(serverErrors(t.logs)).toEqual([]);
  } finally {
    await refusing.close();
    await t.issuer.db.prisma.eventReceiver.delete({ where: { id: r.id } });
  }
});

it('`npm run worker` (dist/src/worker.js) refuses to start without REDIS_URL, in one line', async () => {
  assertBuilt();
  const r = await runScript(join(process.cwd(), 'dist', 'src', 'worker.js'), [], { DATABASE_URL: PG_URL, DATABASE_SCHEMA: SCHEMA, PORTCULLIS_KEK: generateKek() });
  expect(r.code).toBe(2);
  expect(r.stderr.trim()).toBe('portcullis worker: configuration error: REDIS_URL is required by `npm run worker` (embedded mode runs jobs inside the issuer)');
});

it('with Redis unreachable, /revoke still answers promptly and the event is stored for the sweep', async () => {
  const deadPort = await freePort();
  const cut = await startTestIssuer({
    DATABASE_URL: PG_URL, DATABASE_SCHEMA: SCHEMA, REDIS_URL: `redis://127.0.0.1:${deadPort}`, PORTCULLIS_KEK: t.config.kek!, JOB_QUEUE_PREFIX: PREFIX,
  });
  const r = await addReceiver(cut.issuer.db, { clientId: CLIENT, audience: AUDIENCE, delivery: 'push', endpointUrl: 'http://127.0.0.1:9/events' });
  try {
    const viaCut = await oauthClient(cut.url, CLIENT, SECRET);
    const token = await viaCut.token(AUDIENCE, SCOPE);
    const started = Date.now();
    await viaCut.revoke(token);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await viaCut.active(token)).toBe(false);
    expect(await cut.issuer.db.prisma.securityEvent.count({ where: { receiverId: r.id, status: 'pending' } })).toBe(1);
    expect(serverErrors(cut.logs)).toEqual([]);
  } finally {
    await cut.issuer.db.prisma.eventReceiver.delete({ where: { id: r.id } });
    await cut.close();
  }
});
