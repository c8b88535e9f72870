/**
 * A real nginx (Debian's package, auth_request) in front of a small upstream on
 * loopback, asking the issuer's gateway check about every request, with the documented
 * configuration (docs/gateways/nginx.conf) included as written. A valid token passes and
 * the upstream learns who called; a revoked, expired, foreign-audience or wrongly bound
 * token is refused with the issuer's challenge, and the upstream never sees it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { addBoundClient, dpopKey, dpopProof } from '../../support/binding.js';
import { basic, post } from '../../support/clients.js';
import { craftInner, outerHeader, signWithIssuerKey } from '../../support/craft.js';
import { freePort, serverErrors, startTestIssuer, type TestIssuer } from '../../support/issuer.js';

const API = 'https://api.gateway.test';
const OTHER = 'https://other.gateway.test';
const NGINX = '/usr/sbin/nginx';

let t: TestIssuer;
let dir: string;
let nginx: ChildProcess;
let upstream: Server;
let gatewayUrl: string;
const seen: IncomingHttpHeaders[] = [];
const secrets: Record<string, string> = {};

async function startUpstream(port: number): Promise<Server> {
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url }));
  });
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  return server;
}

/** The test's nginx.conf: the documented snippet included unchanged, around the upstreams and the gateway's credentials. */
function nginxConf(ports: { nginx: number; issuer: number; api: number }): string {
  const credentials = Buffer.from(`gw:${secrets.gw}`).toString('base64');
  return `daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream portcullis { server 127.0.0.1:${ports.issuer}; }
  upstream api { server 127.0.0.1:${ports.api}; }
  map $host $portcullis_gateway { default "Basic ${credentials}"; }
  server {
    listen 127.0.0.1:${ports.nginx};
    include ${resolve('docs/gateways/nginx.conf')};
  }
}
`;
}

async function waitForNginx(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (nginx.exitCode !== null) throw new Error(`nginx exited ${nginx.exitCode}`);
    const ok = await fetch(url).then(() => true, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 20)); // polling: nginx binds its port shortly after it starts
  }
  throw new Error('nginx did not start');
}

beforeAll(async () => {
  t = await startTestIssuer();
  await t.addResource({ audience: API, scopes: ['read', 'write'], introspector: 'gw' });
  await t.addResource({ audience: OTHER, scopes: ['read'] });
  secrets.gw = await t.addClient({ id: 'gw', scopes: [], audiences: [] });
  secrets.svc = await t.addClient({ id: 'svc', scopes: ['read', 'write'], audiences: [API, OTHER] });
  secrets.bound = await addBoundClient(t, { id: 'bound', scopes: ['read'], audiences: [API], binding: { dpopBound: true } });
  dir = await mkdtemp(join(tmpdir(), 'pc-nginx-'));
  const [nginxPort, apiPort] = [await freePort(), await freePort()];
  upstream = await startUpstream(apiPort);
  await writeFile(join(dir, 'nginx.conf'), nginxConf({ nginx: nginxPort, issuer: Number(new URL(t.url).port), api: apiPort }));
  nginx = spawn(NGINX, ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  gatewayUrl = `http://127.0.0.1:${nginxPort}`;
  await waitForNginx(`${gatewayUrl}/health`);
});

afterAll(async () => {
  nginx?.kill('SIGTERM');
  await new Promise((r) => upstream?.close(r));
  await t?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function tokenFor(audience: string, scope = 'read'): Promise<string> {
  const res = await post(`${t.url}/token`, new URLSearchParams({ grant_type: 'client_credentials', resource: audience, scope }), basic('svc', secrets.svc));
  return res.json?.access_token as string;
}

async function call(path: string, headers: Record<string, string>): Promise<{ status: number; challenge: string | null; body: string; reached: boolean }> {
  const before = seen.length;
  const res = await fetch(`${gatewayUrl}${path}`, { headers });
  return { status: res.status, challenge: res.headers.get('www-authenticate'), body: await res.text(), reached: seen.length > before };
}

describe('nginx with auth_request in front of an API', () => {
  it('lets a valid token through, and the upstream learns who called (not what the client claimed)', async () => {
    const token = await tokenFor(API, 'read write');
    const res = await call('/reports?year=2026', { authorization: `Bearer ${token}`, 'portcullis-subject': 'forged' });
    expect(res).toMatchObject({ status: 200, reached: true });
    expect(JSON.parse(res.body)).toEqual({ path: '/reports?year=2026' });
    expect(seen.at(-1)).toMatchObject({ 'portcullis-subject': 'svc', 'portcullis-client': 'svc', 'portcullis-audience': API, 'portcullis-scope': 'read write' });
  });

  it('refuses a request without a token, with the RFC 6750 challenge', async () => {
    const res = await call('/reports', {});
    expect(res).toMatchObject({ status: 401, reached: false });
    expect(res.challenge).toBe(`Bearer realm="${t.url}"`);
  });

  it('refuses a revoked token', async () => {
    const token = await tokenFor(API);
    expect((await call('/a', { authorization: `Bearer ${token}` })).status).toBe(200);
    await post(`${t.url}/revoke`, new URLSearchParams({ token }), basic('svc', secrets.svc));
    const res = await call('/a', { authorization: `Bearer ${token}` });
    expect(res).toMatchObject({ status: 401, reached: false });
    expect(res.challenge).toMatch(/^Bearer realm="[^"]*", error="invalid_token", error_description="[^"]*"$/);
  });

  it('refuses an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const inner = await craftInner(t, { aud: API, sub: 'svc', clientId: 'svc', claims: { iat: now - 7200, exp: now - 3600 } });
    const res = await call('/a', { authorization: `Bearer ${signWithIssuerKey(t, outerHeader(t), inner)}` });
    expect(res).toMatchObject({ status: 401, reached: false });
    expect(res.challenge).toContain('error="invalid_token"');
  });

  it("refuses a token for a resource server this gateway does not guard", async () => {
    const res = await call('/a', { authorization: `Bearer ${await tokenFor(OTHER)}` });
    expect(res).toMatchObject({ status: 401, reached: false });
    expect(res.challenge).toContain('error="invalid_token"');
  });

  it('answers a scope the token lacks with 403 insufficient_scope (a location asks with ?scope=)', async () => {
    const token = await tokenFor(API, 'read');
    const res = await fetch(`${t.url}/gateway/check?scope=write`, {
      headers: { authorization: `Bearer ${token}`, 'gateway-authorization': `Basic ${Buffer.from(`gw:${secrets.gw}`).toString('base64')}`, 'x-original-method': 'POST', 'x-original-url': `${gatewayUrl}/reports` },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="${t.url}", error="insufficient_scope", scope="write"`);
  });

  it('holds a DPoP-bound token to a proof for the request it came with', async () => {
    const key = await dpopKey();
    const grant = new URLSearchParams({ grant_type: 'client_credentials', resource: API, scope: 'read' });
    const issued = await post(`${t.url}/token`, grant, { ...basic('bound', secrets.bound), dpop: await dpopProof(key, { htm: 'POST', htu: `${t.url}/token` }) });
    expect(issued.json?.token_type).toBe('DPoP');
    const token = issued.json?.access_token as string;
    const asBearer = await call('/orders', { authorization: `Bearer ${token}` });
    expect(asBearer).toMatchObject({ status: 401, reached: false });
    expect(asBearer.challenge).toMatch(/^DPoP realm=/);
    const elsewhere = await dpopProof(key, { htm: 'GET', htu: `${gatewayUrl}/elsewhere`, token });
    expect(await call('/orders', { authorization: `DPoP ${token}`, dpop: elsewhere })).toMatchObject({ status: 401, reached: false });
    const here = await dpopProof(key, { htm: 'GET', htu: `${gatewayUrl}/orders`, token });
    expect(await call('/orders', { authorization: `DPoP ${token}`, dpop: here })).toMatchObject({ status: 200, reached: true });
    expect(await call('/orders', { authorization: `DPoP ${token}`, dpop: here })).toMatchObject({ status: 401, reached: false }); // the same proof again: a replay
  });

  it('refuses a gateway that is not the introspector, or has the wrong secret', async () => {
    const token = await tokenFor(API);
    const check = (credentials: string) => fetch(`${t.url}/gateway/check`, {
      headers: { authorization: `Bearer ${token}`, 'gateway-authorization': `Basic ${Buffer.from(credentials).toString('base64')}`, 'x-original-method': 'GET', 'x-original-url': `${gatewayUrl}/a` },
    });
    const wrong = await check(`gw:${secrets.gw}x`);
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });
    expect((await check(`svc:${secrets.svc}`)).status).toBe(401); // svc is a client, but guards nothing
  });

  it('logged no server error', () => {
    expect(serverErrors(t.logs)).toEqual([]);
  });
});
