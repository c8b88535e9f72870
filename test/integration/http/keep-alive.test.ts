/**
 * The form read in front of oidc-provider leaves the connection open: resource servers
 * and clients keep their connections alive (RFC 9112 §9.3), and every request on one
 * connection is answered, at each token endpoint in turn.
 */
import { connect } from 'node:net';
import { startTestIssuer, type TestIssuer } from '../../support/issuer.js';
import { basic, post } from '../../support/clients.js';

const API = 'https://api.keepalive.test';
let t: TestIssuer;
let secret: string;

beforeAll(async () => {
  t = await startTestIssuer();
  await t.addResource({ audience: API, scopes: ['read'] });
  secret = await t.addClient({ id: 'svc', scopes: ['read'], audiences: [API] });
});
afterAll(async () => { await t?.close(); });

/** Sends the requests one after the other on one connection; resolves with every status line received. */
function onOneConnection(requests: string[]): Promise<string[]> {
  const { port } = new URL(t.url);
  return new Promise((resolve, reject) => {
    const statuses: string[] = [];
    let buffer = '';
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(requests[0]));
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (let end = answerEnd(buffer); end > 0; end = answerEnd(buffer)) {
        statuses.push(buffer.slice(0, buffer.indexOf('\r\n')));
        buffer = buffer.slice(end);
        if (statuses.length === requests.length) socket.end();
        else socket.write(requests[statuses.length]);
      }
    });
    socket.on('error', reject).on('close', () => resolve(statuses));
  });
}

/** The length of the first complete answer in `text` (head and Content-Length body), or 0. */
function answerEnd(text: string): number {
  const head = text.indexOf('\r\n\r\n');
  if (head < 0) return 0;
  const length = Number(/content-length: *(\d+)/i.exec(text.slice(0, head))?.[1] ?? 0);
  return text.length >= head + 4 + length ? head + 4 + length : 0;
}

function form(path: string, body: string): string {
  const auth = basic('svc', secret).authorization;
  return `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${auth}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

it('answers every request sent on one kept-alive connection, at each token endpoint', async () => {
  const token = (await post(`${t.url}/token`, new URLSearchParams({ grant_type: 'client_credentials', resource: API, scope: 'read' }), basic('svc', secret))).json?.access_token as string;
  const introspect = form('/introspect', `token=${token}&token_type_hint=access_token`);
  const grant = form('/token', `grant_type=client_credentials&resource=${encodeURIComponent(API)}&scope=read`);
  const statuses = await onOneConnection([introspect, introspect, grant, grant, introspect, form('/revoke', `token=${token}`), introspect]);
  expect(statuses).toEqual(Array(7).fill('HTTP/1.1 200 OK'));
});
