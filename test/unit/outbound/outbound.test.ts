/**
 * The outbound policy: which endpoints pushes may reach, checked on the URL's form and
 * on the addresses a name resolves to when the connection is made (no DNS rebinding),
 * redirects answered, never followed.
 */
import { createServer, type Server } from 'node:http';
import type { LookupAddress } from 'node:dns';
import { endpointProblem, isPublicAddress, outboundPolicy, outboundPost, OutboundRefused, registeredEndpointProblem } from '../../../src/outbound/index.js';

/** A resolver where every name is `address` (stands for a DNS answer that changed). */
function resolvingTo(address: string) {
  return ((_host: string, options: { all?: boolean }, callback: (err: null, a: LookupAddress[] | string, f?: number) => void) => {
    const family = address.includes(':') ? 6 : 4;
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as never;
}

let server: Server;
let port: number;
let hits: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/redirect') { res.writeHead(307, { location: '/internal-admin' }); res.end(); return; }
    res.writeHead(202); res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => { await new Promise<void>((resolve) => server.close(() => resolve())); });
beforeEach(() => { hits = []; });

describe('addresses', () => {
  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '[2a00:1450::1]'])('%s is public', (a) => expect(isPublicAddress(a)).toBe(true));
  it.each(['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255',
    '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '64:ff9b::7f00:1', '2002:7f00:1::', 'not-an-ip'])('%s is not', (a) => expect(isPublicAddress(a)).toBe(false));
});

describe('endpoint form', () => {
  const strict = outboundPolicy([], 1000);
  it.each(['https://receiver.example/events', 'https://8.8.8.8/events'])('accepts %s', (u) => expect(endpointProblem(strict, u)).toBeUndefined());
  it.each(['http://receiver.example/events', 'https://127.0.0.1/x', 'https://[::1]/x', 'https://169.254.169.254/latest/meta-data', 'https://localhost/x',
    'https://svc.internal/x', 'https://intranet/x', 'https://[::ffff:127.0.0.1]/x', 'https://u:p@receiver.example/x', 'ftp://receiver.example/x', 'https://receiver.example/x#f'])('refuses %s', (u) => {
    expect(endpointProblem(strict, u)).toBeDefined();
  });
  it('an allowed host may use http and a private address', () => {
    expect(endpointProblem(outboundPolicy(['127.0.0.1', 'Hooks.Corp'], 1000), 'http://127.0.0.1:8080/x')).toBeUndefined();
    expect(endpointProblem(outboundPolicy(['127.0.0.1', 'Hooks.Corp'], 1000), 'http://hooks.corp/x')).toBeUndefined();
  });
  it('at registration, a name resolving inward is refused', async () => {
    expect(await registeredEndpointProblem(outboundPolicy([], 1000, resolvingTo('10.0.0.7')), 'https://receiver.example/x')).toMatch(/public address/);
    expect(await registeredEndpointProblem(outboundPolicy([], 1000, resolvingTo('8.8.4.4')), 'https://receiver.example/x')).toBeUndefined();
  });
});

describe('posting', () => {
  it('refuses at connect time a name that now resolves to loopback, and sends nothing', async () => {
    const rebound = outboundPolicy([], 1000, resolvingTo('127.0.0.1'));
    await expect(outboundPost(rebound, `https://rebind.example:${port}/internal-admin`, 'x', {})).rejects.toThrow(/not public/);
    await expect(outboundPost(outboundPolicy([], 1000), `http://127.0.0.1:${port}/internal-admin`, 'x', {})).rejects.toBeInstanceOf(OutboundRefused);
    expect(hits).toEqual([]);
  });

  it('reaches an allowed host, and answers a redirect without following it', async () => {
    const allowed = outboundPolicy(['hooks.corp'], 1000, resolvingTo('127.0.0.1'));
    expect(await outboundPost(allowed, `http://hooks.corp:${port}/events`, 'x', {})).toMatchObject({ status: 202 });
    expect(await outboundPost(allowed, `http://hooks.corp:${port}/redirect`, 'x', {})).toMatchObject({ status: 307 });
    expect(hits).toEqual(['/events', '/redirect']);
  });

  it('gives up at the deadline', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const started = Date.now();
    await expect(outboundPost(outboundPolicy(['127.0.0.1'], 300), `http://127.0.0.1:${(silent.address() as { port: number }).port}/`, 'x', {})).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2000);
    silent.closeAllConnections();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });
});
