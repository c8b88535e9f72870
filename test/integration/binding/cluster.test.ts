/**
 * DPoP state shared by issuer processes on one PostgreSQL schema (cluster mode):
 * a nonce issued by one process is accepted by another (one `dpop-nonce` deployment
 * secret), and a proof used at one process is a replay at the other (oidc-provider's
 * ReplayDetection lives in the shared database). Both processes sit behind one
 * public host name, as behind a load balancer (ISSUER names it; the Host header too).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { generateKek } from '../../../src/keys/index.js';
import { startTestIssuer, type TestIssuer } from '../../support/issuer.js';
import { dpopKey, dpopProof } from '../../support/binding.js';
import { postForm } from '../../support/tls.js';

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const SCHEMA = `t_dpop_${randomBytes(4).toString('hex')}`;
const API = 'https://api.cluster-dpop.test';
const PUBLIC_HOST = 'auth.cluster.test'; // ISSUER of both processes, as behind a load balancer
let a: TestIssuer;
let b: TestIssuer;
let secret: string;

beforeAll(async () => {
  const env = { DATABASE_URL: PG_URL, DATABASE_SCHEMA: SCHEMA, PORTCULLIS_KEK: generateKek(), DPOP_NONCE: 'always', ISSUER: `http://${PUBLIC_HOST}` };
  a = await startTestIssuer(env);
  b = await startTestIssuer(env);
  await a.addResource({ audience: API, scopes: ['read'] });
  await b.issuer.keys.reload();
  secret = await a.addClient({ id: 'svc', scopes: ['read'], audiences: [API] });
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
  await client.end();
});

const htu = `http://${PUBLIC_HOST}/token`;
const form = { grant_type: 'client_credentials', resource: API, scope: 'read' };
const via = (t: TestIssuer, proof: string) => postForm(`${t.url}/token`, form, {
  headers: { host: PUBLIC_HOST, dpop: proof, authorization: `Basic ${Buffer.from(`svc:${secret}`).toString('base64')}` },
});

describe('DPoP across issuer processes', () => {
  it('a nonce from one process is accepted by the other; a made-up one is not', async () => {
    const key = await dpopKey();
    const first = await via(a, await dpopProof(key, { htm: 'POST', htu }));
    expect(first.json?.error).toBe('use_dpop_nonce');
    const nonce = first.headers.get('dpop-nonce')!;
    const atB = await via(b, await dpopProof(key, { htm: 'POST', htu, nonce }));
    expect(atB.status).toBe(200);
    expect(atB.json?.token_type).toBe('DPoP');
    expect((await via(b, await dpopProof(key, { htm: 'POST', htu, nonce: `${nonce.slice(0, -2)}xx` }))).json?.error).toBe('use_dpop_nonce');
  });

  it('a proof used at one process is a replay at the other', async () => {
    const key = await dpopKey();
    const nonce = (await via(a, await dpopProof(key, { htm: 'POST', htu }))).headers.get('dpop-nonce')!;
    const proof = await dpopProof(key, { htm: 'POST', htu, nonce });
    expect((await via(a, proof)).status).toBe(200);
    const replay = await via(b, proof);
    expect(replay.status).toBe(400);
    expect(replay.json?.error).toMatch(/invalid_grant|invalid_dpop_proof/);
  });
});
