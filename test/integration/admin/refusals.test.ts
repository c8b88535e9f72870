/**
 * Admin writes that would change the wrong thing are refused, with one line on stderr,
 * a non-zero exit and nothing written: `client add` on a taken id (changing a client
 * is `client update`), an audience that is not a registered resource server, redirect
 * URIs other than https, http on loopback and native reverse-domain schemes (RFC 8252
 * §7), and a receiver for a client that does not exist.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuilt, freePort, linesOf, runAdmin, startIssuerProcess, stopAllIssuers, type Exited } from './processes.js';

const API = 'https://api.refusals.example';
const SECRET = 'refusals-secret-0123456789-abcdefghijklmn';
let root: string;
let env: Record<string, string>;
let issuer: string;

beforeAll(async () => {
  assertBuilt();
  root = await mkdtemp(join(tmpdir(), 'pc-admin-refuse-'));
  env = { DATA_DIR: join(root, 'data'), KEYS_DIR: join(root, 'keys') };
  const port = await freePort();
  issuer = `http://127.0.0.1:${port}`;
  await startIssuerProcess(port, { ...env, ISSUER: issuer });
  expect((await runAdmin(['resource', 'add', '--audience', API, '--scopes', 'read write'], env)).code).toBe(0);
  expect((await runAdmin(['client', 'add', '--id', 'billing', '--secret-stdin', '--scopes', 'read', '--audience', API], env, SECRET)).code).toBe(0);
});

afterAll(async () => {
  await stopAllIssuers();
  await rm(root, { recursive: true, force: true });
});

function refused(result: Exited, message: RegExp): void {
  expect(result.code).not.toBe(0);
  const lines = linesOf(result.stderr);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(message);
  expect(result.stderr).not.toMatch(/^\s+at /m);
}

async function clientIds(): Promise<string[]> {
  return (JSON.parse((await runAdmin(['client', 'list', '--json'], env)).stdout) as Array<{ id: string }>).map((c) => c.id);
}

async function tokenStatus(id: string, secret: string, scope: string): Promise<number> {
  const res = await fetch(`${issuer}/token`, {
    method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', resource: API, scope }),
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` },
  });
  return res.status;
}

describe('admin writes refuse to overwrite or to point nowhere', () => {
  it('client add on a taken id: refused, the registered client unchanged (secret and scopes)', async () => {
    refused(await runAdmin(['client', 'add', '--id', 'billing', '--audience', API], env), /client billing already exists/);
    expect(await tokenStatus('billing', SECRET, 'read')).toBe(200);
  });

  it('client update changes a registration and keeps its secret', async () => {
    const result = await runAdmin(['client', 'update', '--id', 'billing', '--scopes', 'read write', '--audience', API], env);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/client_secret/);
    await new Promise((r) => setTimeout(r, 1100)); // registry lookups are remembered for a second
    expect(await tokenStatus('billing', SECRET, 'write')).toBe(200);
    refused(await runAdmin(['client', 'update', '--id', 'nobody', '--audience', API], env), /no client nobody/);
  });

  it('an audience that is not a registered resource server: refused, nothing stored', async () => {
    refused(await runAdmin(['client', 'add', '--id', 'lost', '--audience', 'https://nowhere.example'], env), /audience https:\/\/nowhere.example is not a registered resource server/);
    expect(await clientIds()).not.toContain('lost');
  });

  it.each([
    ['javascript:alert(1)'], ['data:text/html,<script>alert(1)</script>'], ['http://app.example/cb'],
    ['https://app.example/cb#frag'], ['myapp:/cb'], ['https://user:pw@app.example/cb'], ['file:///etc/passwd'],
  ])('redirect URI %s: refused, nothing stored', async (uri) => {
    refused(await runAdmin(['client', 'add', '--id', 'web-bad', '--public', '--grants', 'authorization_code', '--audience', API, '--redirect-uri', uri], env), /redirect URI/);
    expect(await clientIds()).not.toContain('web-bad');
  });

  it.each([
    ['web-https', 'https://app.example/cb'], ['native-loopback', 'http://127.0.0.1:8400/cb'], ['native-scheme', 'com.example.app:/oauth2redirect'],
  ])('%s (%s) is accepted', async (id, uri) => {
    expect((await runAdmin(['client', 'add', '--id', id, '--public', '--grants', 'authorization_code', '--audience', API, '--redirect-uri', uri], env)).code).toBe(0);
  });

  it('a receiver for a client that does not exist: refused, nothing stored', async () => {
    refused(await runAdmin(['receiver', 'add', '--client', 'ghost', '--audience', API, '--delivery', 'poll'], env), /no client ghost/);
    refused(await runAdmin(['receiver', 'add', '--client', 'billing', '--audience', 'https://nowhere.example', '--delivery', 'poll'], env), /not a registered resource server/);
    expect(JSON.parse((await runAdmin(['receiver', 'list', '--json'], env)).stdout)).toEqual([]);
  });
});
