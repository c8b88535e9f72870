/**
 * `client add` with TLS client authentication (RFC 8705), against the built issuer
 * process behind a (simulated) TLS-terminating proxy: the CLI registers the client,
 * the running issuer authenticates it by the forwarded certificate and binds its
 * token; bad options are usage errors.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certificateThumbprint } from '../../../src/binding/index.js';
import { makePki, type Pki } from '../../support/binding.js';
import { postForm } from '../../support/tls.js';
import { assertBuilt, freePort, runAdmin, startIssuerProcess, stopAllIssuers, type IssuerProcess } from './processes.js';

const API = 'https://api.admin-binding.test';
const HEADER = 'x-client-cert';
let root: string;
let env: Record<string, string>;
let issuer: IssuerProcess;
let pki: Pki;

const admin = async (args: string[], stdin?: string) => {
  const result = await runAdmin(args, env, stdin);
  if (result.code !== 0) throw new Error(`admin ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
};

beforeAll(async () => {
  assertBuilt();
  pki = makePki();
  root = await mkdtemp(join(tmpdir(), 'pc-admin-binding-'));
  env = { DATA_DIR: join(root, 'data'), KEYS_DIR: join(root, 'keys'), MTLS_CERT_HEADER: HEADER, TRUSTED_PROXIES: '127.0.0.1', TLS_CLIENT_CA_FILE: pki.caCert };
  const port = await freePort();
  issuer = await startIssuerProcess(port, { ...env, ISSUER: `http://127.0.0.1:${port}` });
  await admin(['resource', 'add', '--audience', API, '--scopes', 'read', '--introspector', 'gw']);
});

afterAll(async () => {
  await stopAllIssuers();
  await rm(root, { recursive: true, force: true });
  pki?.remove();
});

const token = (id: string, pem?: string) => postForm(`${issuer.url}/token`, { grant_type: 'client_credentials', resource: API, scope: 'read', client_id: id },
  { headers: pem ? { [HEADER]: encodeURIComponent(pem) } : {} });

describe('client add for TLS client authentication', () => {
  it('registers a tls_client_auth client (no secret printed) whose tokens are bound to its certificate', async () => {
    const out = await admin(['client', 'add', '--id', 'svc-tls', '--auth', 'tls_client_auth', '--tls-subject-dn', 'CN=svc-mtls,O=Portcullis Test', '--bind', 'mtls', '--scopes', 'read', '--audience', API]);
    expect(out).toContain('client svc-tls registered');
    expect(out).not.toContain('client_secret');
    const gwSecret = (await admin(['client', 'add', '--id', 'gw', '--scopes', '', '--audience', API])).match(/client_secret[^:]*: (\S+)/)![1];
    const res = await token('svc-tls', pki.client.cert);
    expect(res.status).toBe(200);
    const basic = { authorization: `Basic ${Buffer.from(`gw:${gwSecret}`).toString('base64')}` };
    const introspected = await postForm(`${issuer.url}/introspect`, { token: res.json!.access_token as string }, { headers: basic });
    expect(introspected.json).toMatchObject({ active: true, cnf: { 'x5t#S256': certificateThumbprint(new X509Certificate(pki.client.cert)) } });
    expect((await token('svc-tls', pki.other.cert)).json?.error).toBe('invalid_client');
    expect((await token('svc-tls')).json?.error).toBe('invalid_client');
  });

  it('registers a self_signed_tls_client_auth client from a certificate file', async () => {
    const file = join(root, 'self.pem');
    await writeFile(file, pki.selfSigned.cert);
    await admin(['client', 'add', '--id', 'svc-self', '--auth', 'self_signed_tls_client_auth', '--cert-file', file, '--scopes', 'read', '--audience', API]);
    expect((await token('svc-self', pki.selfSigned.cert)).status).toBe(200);
    expect((await token('svc-self', pki.client.cert)).json?.error).toBe('invalid_client');
  });

  it.each([
    [['--auth', 'magic'], /--auth must be one of/],
    [['--auth', 'tls_client_auth'], /exactly one of a subject DN or a SAN DNS name/],
    [['--auth', 'self_signed_tls_client_auth', '--cert-file', '/nonexistent.pem'], /cannot read certificate file/],
    [['--bind', 'telepathy'], /--bind must be mtls or dpop/],
  ])('refuses %j as a usage error', async (extra, message) => {
    const result = await runAdmin(['client', 'add', '--id', 'bad', '--scopes', 'read', '--audience', API, ...extra], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
