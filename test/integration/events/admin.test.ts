/**
 * The admin CLI's receiver commands against a running embedded issuer, and
 * `subject revoke` reaching a pushed receiver: the CLI stores the event, the issuer's
 * in-process `events.sweep` job delivers it.
 */
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

async function admin(args: string[]) {
  return runAdmin(args, env);
}

beforeAll(async () => {
  assertBuilt();
  t = await startTestIssuer({ JOB_REVALIDATE_INTERVAL: '1s', EVENT_PUSH_MAX_BACKOFF: '1s' });
  env = { DATA_DIR: t.config.dataDir, KEYS_DIR: t.config.keysDir, ISSUER: t.url };
  await t.addResource({ audience: AUDIENCE, scopes: [SCOPE] });
  await t.addClient({ id: CLIENT, secret: SECRET, scopes: [SCOPE], audiences: [AUDIENCE] });
  rs = await startReceiver({ issuer: t.url, audience: AUDIENCE });
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

it('subject revoke from the CLI reaches the receiver through the issuer\'s sweep job', async () => {
  const oauth = await oauthClient(t.url, CLIENT, SECRET);
  const opened = await t.issuer.tokens.open(await oauth.token(AUDIENCE, SCOPE));
  const info = { jti: opened!.claims.jti, sub: CLIENT, sh: opened!.context.sh, gen: opened!.context.gen };
  const r = await admin(['subject', 'revoke', CLIENT]);
  expect(r.code).toBe(0);
  await eventually('the receiver to refuse the subject\'s token', 10_000, () => rs.receiver.view.isRevoked(info), 50);
});

it('receiver remove deletes the receiver', async () => {
  const listed = JSON.parse((await admin(['receiver', 'list', '--json'])).stdout) as Array<{ id: string }>;
  for (const { id } of listed) expect((await admin(['receiver', 'remove', id])).code).toBe(0);
  expect((await admin(['receiver', 'list'])).stdout.trim()).toBe('no receivers');
});
