/**
 * An embedded issuer with the admin API bootstrapped as `admin bootstrap` does it, and
 * raw admin API calls: tokens from /token (DPoP-bound when given a key) and requests
 * with a fresh DPoP proof each, for the hostile cases a certified client would not send.
 */
import { bootstrapAdmin, cliActor, createClient, type AdminDeps } from '../../../src/admin/index.js';
import { deploymentSecret, publishKeyChange } from '../../../src/keys/index.js';
import { startTestIssuer, type TestIssuer } from '../../support/issuer.js';
import { basic, post, type RawResponse } from '../../support/clients.js';
import { dpopProof, type DpopKey } from '../../support/binding.js';

export const API = 'https://api.admin-test.example';

export interface AdminSetup { t: TestIssuer; deps: AdminDeps; secret: string }

/** Starts an issuer, registers API (scopes read write) and bootstraps the admin client `ops`. */
export async function startWithAdmin(env: Record<string, string> = {}): Promise<AdminSetup> {
  const t = await startTestIssuer(env);
  const db = t.issuer.db;
  const deps: AdminDeps = {
    db, kek: t.kek, clientPepper: await deploymentSecret(db, t.kek, 'client-secret'), addressPepper: await deploymentSecret(db, t.kek, 'risk-ip-hash'),
    keysChanged: async () => { await publishKeyChange(t.config.redisUrl, t.config.redisTimeouts); await t.issuer.keys.reload(); },
    keepRemovalUntil: async () => new Date(Date.now() + 3_600_000), defaultTokenTtl: t.config.accessTokenTtl,
    keyPolicy: { alg: t.config.signingAlg, masterPeriodSec: t.config.masterSecretRotation },
    throttle: { lift: async () => 0 }, // the service in the test process; the issuer's own throttle serves the API
    revokeSubject: async () => undefined,
  };
  await t.addResource({ audience: API, scopes: ['read', 'write'] });
  const { secret } = await bootstrapAdmin(deps, cliActor(), t.url, 'ops');
  return { t, deps, secret };
}

/** Registers another admin client (DPoP-bound unless `bound` is false); returns its secret. */
export async function addAdminClient(s: AdminSetup, id: string, scopes: string[], bound = true): Promise<string> {
  const r = await createClient(s.deps, cliActor(), { id, scopes, audiences: [`${s.t.url}/admin`], ...(bound ? { binding: { dpopBound: true } } : {}) });
  return r.secret;
}

/** A client_credentials token for `resource` (DPoP-bound to `key` when given). */
export async function tokenFor(s: AdminSetup, id: string, secret: string, scope: string, key?: DpopKey, resource = `${s.t.url}/admin`): Promise<string> {
  const headers: Record<string, string> = { ...basic(id, secret) };
  if (key) headers.dpop = await dpopProof(key, { htm: 'POST', htu: `${s.t.url}/token` });
  const res = await post(`${s.t.url}/token`, new URLSearchParams({ grant_type: 'client_credentials', resource, scope }), headers);
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${res.text}`);
  return String(res.json!.access_token);
}

export interface CallOptions { body?: string | object; headers?: Record<string, string>; scheme?: 'DPoP' | 'Bearer'; htu?: string }

/** One admin API request with `token` (and a fresh proof by `key`, if given). */
export async function call(s: AdminSetup, method: string, path: string, token: string | undefined, key: DpopKey | undefined, o: CallOptions = {}): Promise<RawResponse> {
  const headers: Record<string, string> = { ...o.headers };
  if (token) headers.authorization = `${o.scheme ?? (key ? 'DPoP' : 'Bearer')} ${token}`;
  if (key) headers.dpop = await dpopProof(key, { htm: method, htu: o.htu ?? `${s.t.url}${path.split('?')[0]}`, token });
  const body = o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
  if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  const response = await fetch(`${s.t.url}${path}`, { method, headers, body });
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  try { json = JSON.parse(text) as Record<string, unknown>; } catch { json = undefined; }
  return { status: response.status, headers: response.headers, text, json };
}
