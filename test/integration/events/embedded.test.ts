/**
 * Security events end to end in embedded mode (the in-process job runner): /revoke,
 * subject revocation and an ended session reach a pushed SDK receiver, whose revocation view then
 * refuses the token; a receiver answering 400 is not retried; poll delivery with
 * acknowledgements, authenticated as the receiver's client.
 */
import { addReceiver } from '../../../src/events/index.js';
import { createSetPoller, type RevokableToken } from '@portcullis/sdk';
import { oauthClient, type OAuthClient } from '../admin/oauth.js';
import { basic, post } from '../../support/clients.js';
import { startTestIssuer, serverErrors, type TestIssuer } from '../../support/issuer.js';
import { eventually, startFixedEndpoint, startReceiver, type RunningReceiver } from '../../support/receivers.js';

const AUDIENCE = 'https://orders.example/api';
const OTHER = 'https://billing.example/api';
const SCOPE = 'orders:read';
const CLIENT = 'orders-app';
const SECRET = 'orders-app-secret-0123456789-abcdefghijkl';
const POLLER = 'billing-rs';
const POLLER_SECRET = 'billing-rs-secret-0123456789-abcdefghijklm';

let t: TestIssuer;
let rs: RunningReceiver;
let oauth: OAuthClient;

async function revokable(token: string): Promise<RevokableToken> {
  const opened = await t.issuer.tokens.open(token);
  if (!opened) throw new Error('token does not open');
  return { jti: opened.claims.jti, sub: opened.claims.sub, sh: opened.context.sh, gen: opened.context.gen };
}

beforeAll(async () => {
  t = await startTestIssuer({ EVENT_PUSH_MAX_BACKOFF: '1s', JOB_REVALIDATE_INTERVAL: '1s' });
  await t.addResource({ audience: AUDIENCE, scopes: [SCOPE] });
  await t.addResource({ audience: OTHER, scopes: ['billing:read'], introspector: POLLER });
  await t.addClient({ id: CLIENT, secret: SECRET, scopes: [SCOPE], audiences: [AUDIENCE] });
  await t.addClient({ id: POLLER, secret: POLLER_SECRET, scopes: [], audiences: [] });
  rs = await startReceiver({ issuer: t.url, audience: AUDIENCE });
  await addReceiver(t.issuer.db, { clientId: CLIENT, audience: AUDIENCE, delivery: 'push', endpointUrl: rs.url });
  oauth = await oauthClient(t.url, CLIENT, SECRET);
});

afterAll(async () => {
  await rs?.close();
  await t?.close();
});

describe('push delivery to the SDK receiver (embedded)', () => {
  it('a token revoked at /revoke is refused by the receiver\'s view, others are not', async () => {
    const token = await oauth.token(AUDIENCE, SCOPE);
    const other = await revokable(await oauth.token(AUDIENCE, SCOPE));
    const info = await revokable(token);
    expect(rs.receiver.view.isRevoked(info)).toBe(false);
    await oauth.revoke(token);
    await eventually('the receiver to refuse the revoked token', 5000, () => rs.receiver.view.isRevoked(info));
    expect(rs.receiver.view.isRevoked(other)).toBe(false);
    expect(await oauth.active(token)).toBe(false);
    const row = await t.issuer.db.prisma.securityEvent.findFirst({ where: { eventKey: `token.revoked:${info.jti}` } });
    expect(row).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it('subject revocation: every earlier token of the subject is refused, a new one is not', async () => {
    const before = await revokable(await oauth.token(AUDIENCE, SCOPE));
    const generation = await t.issuer.tokens.revokeSubject(CLIENT);
    await eventually('the receiver to refuse the subject\'s older token', 5000, () => rs.receiver.view.isRevoked(before));
    const after = await revokable(await oauth.token(AUDIENCE, SCOPE));
    expect(after.gen).toBe(generation);
    expect(rs.receiver.view.isRevoked(after)).toBe(false);
  });

  it('an ended session (logout, a risk decision): tokens minted in it are refused, others are not', async () => {
    const info = await revokable(await oauth.token(AUDIENCE, SCOPE));
    const inSession = { ...info, sid: 'session-ended-1' };
    const elsewhere = { ...info, sid: 'session-alive-1' };
    expect(rs.receiver.view.isRevoked(inSession)).toBe(false);
    await t.issuer.tokens.revokeSession('session-ended-1', 'policy');
    await eventually('the receiver to refuse the session\'s tokens', 5000, () => rs.receiver.view.isRevoked(inSession));
    expect(rs.receiver.view.isRevoked(elsewhere)).toBe(false);
    expect(rs.receiver.view.isRevoked(info)).toBe(false);
    const row = await t.issuer.db.prisma.securityEvent.findFirst({ where: { eventKey: 'session.revoked:session-ended-1' } });
    expect(row).toMatchObject({ status: 'delivered' });
    expect(JSON.stringify(row?.payload)).toContain('"initiating_entity":"policy"');
  });

  it('a receiver answering 400 gets the event once and the failure is recorded', async () => {
    const refusing = await startFixedEndpoint(400);
    const r = await addReceiver(t.issuer.db, { clientId: CLIENT, audience: AUDIENCE, delivery: 'push', endpointUrl: refusing.url });
    try {
      const token = await oauth.token(AUDIENCE, SCOPE);
      const { jti } = await revokable(token);
      await oauth.revoke(token);
      await eventually('the refusal to be recorded', 5000, async () => (await t.issuer.db.prisma.securityEvent.count({ where: { receiverId: r.id, status: 'failed' } })) >= 1);
      await t.issuer.jobs.idle(); // no retry waiting: a refusal (400) is final
      // Revalidation (every second here) may add an event of an earlier test for this
      // audience: each stored event is posted exactly once and recorded as refused.
      const rows = await t.issuer.db.prisma.securityEvent.findMany({ where: { receiverId: r.id } });
      expect(rows.some((row) => JSON.stringify(row.payload).includes(jti))).toBe(true);
      expect(refusing.calls()).toBe(rows.length);
      for (const row of rows) {
        expect(row.status).toBe('failed');
        expect(row.lastError).toBe('rejected: invalid_request: refused by test');
      }
    } finally {
      await refusing.close();
      await t.issuer.db.prisma.eventReceiver.delete({ where: { id: r.id } });
    }
  });

  it('a token revoked for another audience is not sent to this receiver', async () => {
    const r = await addReceiver(t.issuer.db, { clientId: POLLER, audience: OTHER, delivery: 'poll' });
    try {
      await oauth.revoke(await oauth.token(AUDIENCE, SCOPE));
      expect(await t.issuer.db.prisma.securityEvent.count({ where: { receiverId: r.id } })).toBe(0);
    } finally {
      await t.issuer.db.prisma.eventReceiver.delete({ where: { id: r.id } });
    }
  });
});

describe('poll delivery (RFC 8936)', () => {
  const poll = (body: unknown, auth = basic(POLLER, POLLER_SECRET)) =>
    post(`${t.url}/events/poll`, JSON.stringify(body), { ...auth, 'content-type': 'application/json' });

  it('returns pending SETs until acknowledged', async () => {
    const r = await addReceiver(t.issuer.db, { clientId: POLLER, audience: AUDIENCE, delivery: 'poll' });
    await t.issuer.events.emit({ type: 'account.disabled', sub: 'alice' });
    const first = await poll({ maxEvents: 10, returnImmediately: true });
    expect([first.status, first.text]).toEqual([200, expect.stringContaining('sets')]);
    const sets = first.json!.sets as Record<string, string>;
    const jtis = Object.keys(sets);
    expect(jtis).toHaveLength(1);
    const again = await poll({ returnImmediately: true });
    expect(Object.keys(again.json!.sets as object)).toEqual(jtis);
    const acked = await poll({ ack: jtis, returnImmediately: true });
    expect(acked.json).toEqual({ sets: {}, moreAvailable: false });
    expect(await t.issuer.db.prisma.securityEvent.findUnique({ where: { jti: jtis[0] } })).toMatchObject({ status: 'delivered', receiverId: r.id });
  });

  it('the SDK poller verifies, applies and acknowledges polled SETs', async () => {
    await t.issuer.db.prisma.eventReceiver.deleteMany({ where: { clientId: POLLER } }); // a fresh stream
    const r = await addReceiver(t.issuer.db, { clientId: POLLER, audience: AUDIENCE, delivery: 'poll' });
    const poller = createSetPoller({ issuer: t.url, audience: AUDIENCE, clientId: POLLER, clientSecret: POLLER_SECRET });
    const token = await oauth.token(AUDIENCE, SCOPE);
    const info = await revokable(token);
    await oauth.revoke(token);
    expect(await poller.poll()).toBe(1);
    expect(poller.view.isRevoked(info)).toBe(true);
    expect(await poller.poll()).toBe(0); // acknowledges the first
    expect(await t.issuer.db.prisma.securityEvent.count({ where: { receiverId: r.id, status: 'pending' } })).toBe(0);
  });

  it('refuses a wrong secret, another client and a malformed body without a 5xx', async () => {
    expect((await poll({}, basic(POLLER, 'wrong-secret-0123456789-abcdefghijklmnop'))).status).toBe(401);
    expect((await poll({}, {})).status).toBe(401);
    const notReceiver = await poll({}, basic(CLIENT, SECRET)); // CLIENT has only a push receiver
    expect(notReceiver.status).toBe(403);
    const bad = await post(`${t.url}/events/poll`, '{"ack": 5}', { ...basic(POLLER, POLLER_SECRET), 'content-type': 'application/json' });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: 'invalid_request' });
    const notJson = await post(`${t.url}/events/poll`, 'x', { ...basic(POLLER, POLLER_SECRET), 'content-type': 'application/json' });
    expect(notJson.status).toBe(400);
    expect(serverErrors(t.logs)).toEqual([]);
  });
});

describe('stream management (SSF stream configuration)', () => {
  const call = async (method: string, query: string, body?: unknown, auth = basic(POLLER, POLLER_SECRET)) => {
    const res = await fetch(`${t.url}/ssf/stream${query}`, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { ...auth, 'content-type': 'application/json' } });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) as Record<string, unknown> : undefined };
  };

  it('a resource server\'s introspector client creates, reads and deletes its own streams only', async () => {
    const created = await call('POST', '', { delivery: { method: 'urn:ietf:rfc:8936' } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ iss: t.url, aud: OTHER, delivery: { method: 'urn:ietf:rfc:8936', endpoint_url: `${t.url}/events/poll` } });
    const id = created.json!.stream_id as string;
    expect((await call('GET', `?stream_id=${id}`)).json).toMatchObject({ stream_id: id });
    const theirs = (await call('GET', '', undefined, basic(CLIENT, SECRET))).json as unknown as Array<{ stream_id: string; aud: string }>;
    expect(theirs.length).toBeGreaterThan(0); // CLIENT's own push receiver
    expect(theirs.every((x) => x.stream_id !== id && x.aud === AUDIENCE)).toBe(true);
    expect((await call('GET', `?stream_id=${id}`, undefined, basic(CLIENT, SECRET))).status).toBe(404);
    expect((await call('DELETE', `?stream_id=${id}`, undefined, basic(CLIENT, SECRET))).status).toBe(404);
    expect((await call('DELETE', `?stream_id=${id}`)).status).toBe(204);
    expect((await call('GET', `?stream_id=${id}`)).status).toBe(404);
  });

  it('refuses other audiences, non-introspectors, bad endpoints and bad credentials', async () => {
    expect((await call('POST', '', { delivery: { method: 'urn:ietf:rfc:8936' } }, basic(CLIENT, SECRET))).status).toBe(403);
    expect((await call('POST', '', { aud: AUDIENCE, delivery: { method: 'urn:ietf:rfc:8936' } })).status).toBe(403);
    const badUrl = await call('POST', '', { delivery: { method: 'urn:ietf:rfc:8935', endpoint_url: 'ftp://x.example/' } });
    expect([badUrl.status, badUrl.json?.error]).toEqual([400, 'invalid_request']);
    expect((await call('POST', '', { delivery: { method: 'smoke-signals' } })).status).toBe(400);
    expect((await call('GET', '', undefined, basic(POLLER, 'not-the-secret-0123456789-abcdefghijklmn'))).status).toBe(401);
    expect((await call('PUT', '')).status).toBe(405);
    expect(await t.issuer.db.prisma.eventReceiver.count({ where: { clientId: POLLER, audience: OTHER } })).toBe(0);
    expect(serverErrors(t.logs)).toEqual([]);
  });
});
