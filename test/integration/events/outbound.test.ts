/**
 * Event streams cannot aim the issuer at its own network: creating a stream whose push
 * endpoint is http, or on a loopback, private or link-local address, is refused with
 * invalid_request and stores nothing; a receiver that points there anyway (stored
 * before, or by a name that now resolves inward) gets nothing: the delivery is refused
 * at connect time and recorded as failed, without a request reaching the address.
 * No OUTBOUND_ALLOWED_HOSTS here: the operator allowed nothing.
 */
import { createServer, type Server } from 'node:http';
import { addReceiver } from '../../../src/events/index.js';
import { startTestIssuer, serverErrors, type TestIssuer } from '../../support/issuer.js';
import { basic } from '../../support/clients.js';

const API = 'https://api.outbound.test';
let t: TestIssuer;
let secret: string;
let internal: Server;
let internalUrl: string;
const hits: string[] = [];

beforeAll(async () => {
  internal = createServer((req, res) => { hits.push(`${req.method} ${req.url}`); res.writeHead(202); res.end(); });
  await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
  internalUrl = `http://127.0.0.1:${(internal.address() as { port: number }).port}/internal-admin`;
  t = await startTestIssuer({ OUTBOUND_ALLOWED_HOSTS: '', EVENT_PUSH_MAX_BACKOFF: '1s', JOB_REVALIDATE_INTERVAL: '1h' });
  await t.addResource({ audience: API, scopes: ['read'], introspector: 'rs' });
  secret = await t.addClient({ id: 'rs', scopes: [], audiences: [] });
});
afterAll(async () => {
  await t?.close();
  internal.closeAllConnections();
  await new Promise<void>((resolve) => internal.close(() => resolve()));
});

async function createStream(endpoint: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${t.url}/ssf/stream`, {
    method: 'POST', headers: { ...basic('rs', secret), 'content-type': 'application/json' },
    body: JSON.stringify({ delivery: { method: 'urn:ietf:rfc:8935', endpoint_url: endpoint } }),
  });
  return { status: res.status, json: await res.json() as Record<string, unknown> };
}

describe('push endpoints', () => {
  it.each([
    ['the internal admin over http', () => internalUrl],
    ['https on loopback', () => 'https://127.0.0.1/internal-admin'],
    ['https on IPv6 loopback', () => 'https://[::1]/x'],
    ['IPv4-mapped loopback', () => 'https://[::ffff:127.0.0.1]/x'],
    ['a private network', () => 'https://10.0.0.5/events'],
    ['the cloud metadata service', () => 'https://169.254.169.254/latest/meta-data/'],
    ['localhost by name', () => 'https://localhost/events'],
    ['plain http to a public name', () => 'http://receiver.example/events'],
  ])('%s: refused at creation with invalid_request, nothing stored', async (_name, endpoint) => {
    const res = await createStream(endpoint());
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('invalid_request');
    expect(await t.issuer.db.prisma.eventReceiver.count()).toBe(0);
  });

  it('an https endpoint on a public name is accepted', async () => {
    const res = await createStream('https://receiver.example/events');
    expect(res.status).toBe(201);
    await t.issuer.db.prisma.eventReceiver.deleteMany();
  });

  it('a receiver already pointing inward gets nothing: the push is refused at connect time, recorded as failed', async () => {
    await addReceiver(t.issuer.db, { clientId: 'rs', audience: API, delivery: 'push', endpointUrl: internalUrl });
    await t.issuer.events.emit({ type: 'subject.revoked', sub: 'someone', generation: 1, initiator: 'admin' });
    const deadline = Date.now() + 10_000;
    let row;
    while (Date.now() < deadline) {
      row = await t.issuer.db.prisma.securityEvent.findFirst();
      if (row?.status !== 'pending') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(row).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/^refused: /) });
    expect(hits).toEqual([]);
    expect(serverErrors(t.logs)).toEqual([]);
  });
});
