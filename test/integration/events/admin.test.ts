/**
 * The admin CLI's receiver commands against a running embedded issuer, and the
 * subject-wide revocations (`subject revoke`, `user revoke`, `user disable`, `user
 * erase`) reaching a pushed receiver when they happen: the CLI stores the event and
 * wakes the issuer (NOTIFY), which pushes it at once. The issuer's timers (sweep and
 * revalidation, JOB_REVALIDATE_INTERVAL) are set to an hour here, so only the wake-up
 * can deliver within the test.
 */
import type { VerifiedSet } from '@portcullis/sdk';
import { runAdmin, assertBuilt } from '../admin/processes.js';
import { oauthClient } from '../admin/oauth.js';
import { startTestIssuer, type TestIssuer } from '../../support/issuer.js';
import { eventually, startReceiver, type RunningReceiver } from '../../support/receivers.js';

const AUDIENCE = 'https://orders.example/api';
const SCOPE = 'orders:read';
const CLIENT = 'orders-app';
const SECRET = 'orders-app-secret-0123456789-abcdefghijkl';

let t: TestIssuer;
let rs: RunningReceiver;
let env: Record<string, string>;
let arrivals: Array<{ set: VerifiedSet; at: number }> = [];
let waiting: Array<() => void> = [];

/** Resolves with the first SET received from now on that `match` accepts. */
function nextSet(match: (set: VerifiedSet) => boolean, timeoutMs = 10_000): Promise<{ set: VerifiedSet; at: number }> {
  const from = arrivals.length;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no matching SET within ${timeoutMs} ms`)), timeoutMs);
    const check = () => {
      const found = arrivals.slice(from).find((a) => match(a.set));
      if (!found) return;
      clearTimeout(timer);
      waiting = waiting.filter((w) => w !== check);
      resolve(found);
    };
    waiting.push(check);
    check();
  });
}

async function admin(args: string[]) {
  return runAdmin(args, env);
}

beforeAll(async () => {
  assertBuilt();
  t = await startTestIssuer({ JOB_REVALIDATE_INTERVAL: '1h', EVENT_PUSH_MAX_BACKOFF: '1s' });
  env = { DATA_DIR: t.config.dataDir, KEYS_DIR: t.config.keysDir, ISSUER: t.url, OUTBOUND_ALLOWED_HOSTS: '127.0.0.1' };
  await t.addResource({ audience: AUDIENCE, scopes: [SCOPE] });
  await t.addClient({ id: CLIENT, secret: SECRET, scopes: [SCOPE], audiences: [AUDIENCE] });
  rs = await startReceiver({
    issuer: t.url, audience: AUDIENCE,
    onEvent: (set) => { arrivals.push({ set, at: Date.now() }); for (const w of [...waiting]) w(); },
  });
});
afterAll(async () => {
  await rs?.close();
  await t?.close();
});

it('receiver add, list and remove; bad input is a usage error', async () => {
  const added = await admin(['receiver', 'add', '--client', CLIENT, '--audience', AUDIENCE, '--delivery', 'push', '--endpoint', rs.url]);
  expect(added.code).toBe(0);
  const id = /receiver (\S+) registered/.exec(added.stdout)?.[1];
  expect(id).toBeDefined();
  const listed = await admin(['receiver', 'list', '--json']);
  expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ id, delivery: 'push', endpointUrl: rs.url, audience: AUDIENCE, subjectFormat: 'opaque' })]);
  for (const bad of [
    ['--client', CLIENT, '--audience', AUDIENCE, '--delivery', 'push'],
    ['--client', CLIENT, '--audience', AUDIENCE, '--delivery', 'push', '--endpoint', 'ftp://x.example/'],
    ['--client', CLIENT, '--audience', AUDIENCE, '--delivery', 'carrier-pigeon'],
    ['--client', CLIENT, '--audience', AUDIENCE, '--delivery', 'poll', '--events', 'https://example.com/not-an-event'],
  ]) {
    const r = await admin(['receiver', 'add', ...bad]);
    expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(/^portcullis admin: /)]);
  }
  expect((await admin(['receiver', 'remove', 'no-such-receiver'])).code).toBe(2);
});

describe('subject-wide revocations from the CLI reach the receiver when they happen', () => {
  const RISC_DISABLED = 'https://schemas.openid.net/secevent/risc/event-type/account-disabled';
  const SESSION_REVOKED = 'https://schemas.openid.net/secevent/caep/event-type/session-revoked';
  const about = (handle: string, type: string) => (set: VerifiedSet) => set.sub_id?.id === handle && type in set.events;

  beforeAll(async () => {
    arrivals = [];
    const listed = JSON.parse((await admin(['receiver', 'list', '--json'])).stdout) as unknown[];
    if (!listed.length) expect((await admin(['receiver', 'add', '--client', CLIENT, '--audience', AUDIENCE, '--delivery', 'push', '--endpoint', rs.url])).code).toBe(0);
  });

  /** Runs the command; the SET must arrive within a second of the CLI exiting, and be stored once. */
  async function deliveredAtOnce(args: string[], handle: string, type: string, stdin?: string): Promise<VerifiedSet> {
    const arrived = nextSet(about(handle, type));
    const r = await runAdmin(args, env, stdin);
    const exited = Date.now();
    expect([r.code, r.stderr]).toEqual([0, '']);
    const { set, at } = await arrived;
    expect(at - exited).toBeLessThan(1000);
    const row = await t.issuer.db.prisma.securityEvent.findUniqueOrThrow({ where: { jti: set.jti } });
    expect(await t.issuer.db.prisma.securityEvent.count({ where: { eventKey: row.eventKey } })).toBe(1);
    return set;
  }

  it('subject revoke: the client\'s tokens of earlier generations are refused, of the new one not', async () => {
    const oauth = await oauthClient(t.url, CLIENT, SECRET);
    const opened = await t.issuer.tokens.open(await oauth.token(AUDIENCE, SCOPE));
    const info = { jti: opened!.claims.jti, sub: CLIENT, sh: opened!.context.sh, gen: opened!.context.gen };
    await deliveredAtOnce(['subject', 'revoke', CLIENT], info.sh, SESSION_REVOKED);
    expect(rs.receiver.view.isRevoked(info)).toBe(true);
    expect(rs.receiver.view.isRevoked({ ...info, gen: info.gen + 1 })).toBe(false);
  });

  it('user revoke, user disable and user erase each reach the receiver at once, stored once per receiver', async () => {
    const added = await runAdmin(['user', 'add', '--username', 'carol', '--password-stdin'], env, 'carol-password-0123456789');
    expect(added.code).toBe(0);
    const id = /id ([0-9a-f-]{36})/.exec(added.stdout)![1];
    const handle = t.issuer.tokens.handleOf(id);
    const token = { jti: 'user-token', sub: id, sh: handle, gen: 0 };
    expect(rs.receiver.view.isRevoked(token)).toBe(false);

    const revoked = await deliveredAtOnce(['user', 'revoke', 'carol'], handle, SESSION_REVOKED);
    expect(revoked.events[SESSION_REVOKED].portcullis_generation).toBe(1);
    expect(rs.receiver.view.isRevoked(token)).toBe(true);
    // the same fact emitted again (revalidation would) is not stored or sent twice
    expect(await t.issuer.events.emit({ type: 'subject.revoked', sub: id, generation: 1, initiator: 'system' })).toBe(0);

    await deliveredAtOnce(['user', 'disable', 'carol'], handle, RISC_DISABLED);
    expect(rs.receiver.view.isRevoked({ ...token, gen: 1 })).toBe(true);

    const erased = await deliveredAtOnce(['user', 'erase', 'carol'], handle, SESSION_REVOKED);
    expect(erased.events[SESSION_REVOKED].portcullis_generation).toBe(2);
  });
});

it('receiver remove deletes the receiver', async () => {
  const listed = JSON.parse((await admin(['receiver', 'list', '--json'])).stdout) as Array<{ id: string }>;
  for (const { id } of listed) expect((await admin(['receiver', 'remove', id])).code).toBe(0);
  expect((await admin(['receiver', 'list'])).stdout.trim()).toBe('no receivers');
});
