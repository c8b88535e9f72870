/**
 * Helpers for sender-constrained token tests: clients registered with binding
 * metadata, the audience's opening secret, hand-made DPoP proofs (jose), and a
 * throw-away PKI made with the openssl CLI at test time (nothing committed).
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { deploymentSecret, formatOpeningSecret } from '../../src/keys/index.js';
import { addClient, type ClientBinding } from '../../src/registry/index.js';
import type { TestIssuer } from './issuer.js';

/** Registers a client with binding options; returns its secret ('' for TLS auth). */
export async function addBoundClient(t: TestIssuer, spec: { id: string; scopes: string[]; audiences: string[]; binding?: ClientBinding }): Promise<string> {
  const pepper = await deploymentSecret(t.issuer.db, t.kek, 'client-secret');
  return addClient(t.issuer.db, pepper, { id: spec.id, grants: ['client_credentials'], scopes: spec.scopes, audiences: spec.audiences, binding: spec.binding });
}

/** The opening secret `resource add` would have printed for `audience`. */
export async function openingSecretOf(t: TestIssuer, audience: string): Promise<string> {
  const master = await t.issuer.keys.currentMaster(audience);
  if (!master) throw new Error(`no master for ${audience}`);
  return formatOpeningSecret(master.version, master.secret);
}

export interface DpopKey { privateKey: CryptoKey; publicJwk: JWK; alg: string }

/** A fresh DPoP key pair. */
export async function dpopKey(alg = 'ES256'): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, publicJwk: await exportJWK(publicKey), alg };
}

export interface ProofClaims { htm: string; htu: string; token?: string; iat?: number; jti?: string; nonce?: string; ath?: string }

/** A DPoP proof JWT (RFC 9449 §4.2) signed by `key`; every claim can be overridden. */
export async function dpopProof(key: DpopKey, c: ProofClaims, header: Record<string, unknown> = {}): Promise<string> {
  const ath = c.ath ?? (c.token ? createHash('sha256').update(c.token).digest('base64url') : undefined);
  return new SignJWT({ htm: c.htm, htu: c.htu, jti: c.jti ?? randomUUID(), ...(ath ? { ath } : {}), ...(c.nonce ? { nonce: c.nonce } : {}) })
    .setProtectedHeader({ alg: key.alg, typ: 'dpop+jwt', jwk: key.publicJwk, ...header })
    .setIssuedAt(c.iat ?? Math.floor(Date.now() / 1000))
    .sign(key.privateKey);
}

export interface Pki {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  /** CA-issued client certificate, subject CN=svc-mtls,O=Portcullis Test */
  client: { cert: string; key: string };
  /** another CA-issued client certificate, CN=other,O=Portcullis Test */
  other: { cert: string; key: string };
  /** a self-signed client certificate */
  selfSigned: { cert: string; key: string };
  /** signed by a CA the server does not trust, with the same subject as `client` */
  rogue: { cert: string; key: string };
  read(path: string): string;
  remove(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

function issue(dir: string, name: string, subject: string, ca: string, ext?: string): void {
  openssl(dir, ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
  const extArgs = ext ? ['-extfile', ext] : [];
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-days', '2', '-out', `${name}.crt`, ...extArgs]);
}

function selfSigned(dir: string, name: string, subject: string): void {
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-subj', subject, '-days', '2']);
}

/** A CA, a server certificate for 127.0.0.1 and client certificates, in a temp dir. */
export function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-pki-'));
  selfSigned(dir, 'ca', '/CN=Portcullis Test CA');
  selfSigned(dir, 'rogue-ca', '/CN=Portcullis Test CA');
  execFileSync('sh', ['-c', 'printf "subjectAltName=IP:127.0.0.1,DNS:localhost\\n" > server.ext'], { cwd: dir });
  issue(dir, 'server', '/CN=localhost', 'ca', 'server.ext');
  issue(dir, 'client', '/O=Portcullis Test/CN=svc-mtls', 'ca');
  issue(dir, 'other', '/O=Portcullis Test/CN=other', 'ca');
  issue(dir, 'rogue', '/O=Portcullis Test/CN=svc-mtls', 'rogue-ca');
  selfSigned(dir, 'self', '/CN=self-signed-client');
  const read = (p: string) => readFileSync(join(dir, p), 'utf8');
  const pair = (n: string) => ({ cert: read(`${n}.crt`), key: read(`${n}.key`) });
  return {
    dir, caCert: join(dir, 'ca.crt'), serverCert: join(dir, 'server.crt'), serverKey: join(dir, 'server.key'),
    client: pair('client'), other: pair('other'), selfSigned: pair('self'), rogue: pair('rogue'), read,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
