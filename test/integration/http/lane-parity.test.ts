/**
 * POSTs to /token, /introspect and /revoke are served by the lane (src/http/lane.ts)
 * when sent in origin form (`POST /introspect`), and by Koa when the request target is
 * in absolute form (`POST http://host/introspect`, RFC 9112 §3.2.2), which Koa's URL
 * parsing maps to the same chain. Both must answer alike: same status, body and
 * headers (request ids and rate-limit counts aside), for answers and for refusals.
 */
import { connect } from 'node:net';
import { startTestIssuer, serverErrors, type TestIssuer } from '../../support/issuer.js';
import { basic } from '../../support/clients.js';

const API = 'https://api.lane.test';
let t: TestIssuer;
let secret: string;
let port: number;

beforeAll(async () => {
  t = await startTestIssuer();
  port = Number(new URL(t.url).port);
  await t.addResource({ audience: API, scopes: ['read'] });
  secret = await t.addClient({ id: 'lane', scopes: ['read'], audiences: [API] });
});
afterAll(async () => { await t?.close(); });

interface Answer { status: number; headers: Map<string, string>; body: string }

/** One raw HTTP/1.1 POST, with the request target as given. */
function send(target: string, body: string, headers: Record<string, string>): Promise<Answer> {
  const lines = [`POST ${target} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Connection: close', 'Content-Type: application/x-www-form-urlencoded', `Content-Length: ${Buffer.byteLength(body)}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`)); // no half-close: the server would drop the request
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c)).on('error', reject).on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const [statusLine, ...fields] = text.slice(0, split).split('\r\n');
      const map = new Map(fields.map((f) => [f.slice(0, f.indexOf(':')).toLowerCase(), f.slice(f.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers: map, body: text.slice(split + 4) });
    });
  });
}

/** The same request through the lane (origin form) and through Koa (absolute form). */
async function both(path: string, body: string, headers: Record<string, string>): Promise<[Answer, Answer]> {
  const lane = await send(path, body, headers);
  const koa = await send(`http://127.0.0.1:${port}${path}`, body, headers);
  return [lane, koa];
}

const COMPARED = ['content-type', 'cache-control', 'pragma', 'www-authenticate', 'retry-after', 'ratelimit-policy'];

function alike([lane, koa]: [Answer, Answer], sameBody = true): void {
  expect(lane.status).toBe(koa.status);
  for (const h of COMPARED) expect([h, lane.headers.get(h)]).toEqual([h, koa.headers.get(h)]);
  for (const a of [lane, koa]) {
    expect(a.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.status).toBeLessThan(500);
  }
  if (sameBody) expect(JSON.parse(lane.body)).toEqual(JSON.parse(koa.body));
}

async function token(): Promise<string> {
  const [res] = await both('/token', new URLSearchParams({ grant_type: 'client_credentials', resource: API, scope: 'read' }).toString(), basic('lane', secret));
  return JSON.parse(res.body).access_token as string;
}

describe('the lane and Koa answer the token endpoints alike', () => {
  it('/token: a token from each, with the same response members, and the same refusal of a wrong secret', async () => {
    const form = new URLSearchParams({ grant_type: 'client_credentials', resource: API, scope: 'read' }).toString();
    const issued = await both('/token', form, basic('lane', secret));
    alike(issued, false);
    const [a, b] = issued.map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
    expect([a.token_type, a.scope, a.expires_in]).toEqual([b.token_type, b.scope, b.expires_in]);
    expect(typeof a.access_token).toBe('string');
    const refused = await both('/token', form, basic('lane', `${secret}x`));
    alike(refused);
    expect(refused[0].status).toBe(401);
  });

  it('/introspect: active, inactive and unauthenticated answers', async () => {
    const live = await token();
    const active = await both('/introspect', new URLSearchParams({ token: live }).toString(), basic('lane', secret));
    alike(active);
    expect(JSON.parse(active[0].body)).toMatchObject({ active: true, client_id: 'lane', aud: API });
    alike(await both('/introspect', new URLSearchParams({ token: `${live.slice(0, -4)}AAAA` }).toString(), basic('lane', secret)));
    const unauthenticated = await both('/introspect', new URLSearchParams({ token: live }).toString(), basic('lane', 'wrong'));
    alike(unauthenticated);
    expect(unauthenticated[0].status).toBe(401);
  });

  it('hostile bodies get the same OAuth error from both: too large, a bad presenter_ip', async () => {
    const huge = await both('/introspect', `token=${'a'.repeat(60 * 1024)}`, basic('lane', secret));
    alike(huge);
    expect(JSON.parse(huge[0].body).error).toBe('invalid_request');
    const presenter = await both('/introspect', new URLSearchParams({ token: 'x.y.z', presenter_ip: 'not-an-ip' }).toString(), basic('lane', secret));
    alike(presenter);
    expect(JSON.parse(presenter[0].body).error).toBe('invalid_request');
  });

  it('/revoke: both revoke, and the token is inactive afterwards', async () => {
    const [first, second] = [await token(), await token()];
    const [lane] = await both('/revoke', new URLSearchParams({ token: first }).toString(), basic('lane', secret));
    const koa = await send(`http://127.0.0.1:${port}/revoke`, new URLSearchParams({ token: second }).toString(), basic('lane', secret));
    expect([lane.status, koa.status]).toEqual([200, 200]);
    for (const revoked of [first, second]) {
      const [answer] = await both('/introspect', new URLSearchParams({ token: revoked }).toString(), basic('lane', secret));
      expect(JSON.parse(answer.body)).toEqual({ active: false });
    }
    expect(serverErrors(t.logs)).toEqual([]);
  });
});
