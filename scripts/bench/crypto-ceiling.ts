/**
 * The single-core crypto ceiling: how many tokens one core seals (and opens) with no
 * HTTP, no database and no oidc-provider, using the same code the issuer runs
 * (sealToken / openToken, an ES256 key, a derived-key cache, a fixed master).
 */
import { randomBytes } from 'node:crypto';
import { createDerivedKeyCache, generateSigningKey, importSigningKey, subjectHandle } from '../../src/keys/index.js';
import { openToken, sealToken, type SealOptions } from '../../src/tokens/index.js';

export interface CryptoFigures { sealsPerSec: number; opensPerSec: number }

const ISSUER = 'http://localhost:3000';
const AUDIENCE = 'https://api.bench.example';
const POOL = 1000;

async function fixture() {
  const generated = await generateSigningKey('ES256');
  const signing = { kid: generated.kid, alg: 'ES256', key: await importSigningKey(generated.privateJwk, 'ES256') };
  const publicKey = await importSigningKey(generated.publicJwk, 'ES256');
  const master = { version: 1, secret: new Uint8Array(randomBytes(32)) };
  const seal: SealOptions = {
    signingKey: signing, master, handle: subjectHandle(randomBytes(32), 'bench-client'), generation: 0,
    keyCache: createDerivedKeyCache(),
  };
  const open = {
    issuer: ISSUER, algorithms: ['ES256'], keyCache: createDerivedKeyCache(),
    verificationKey: (kid: string) => (kid === signing.kid ? publicKey : undefined),
    master: (aud: string, msv: number) => (aud === AUDIENCE && msv === 1 ? master.secret : undefined),
  };
  return { seal, open };
}

function claims(n: number) {
  const iat = Math.floor(Date.now() / 1000);
  return { iss: ISSUER, sub: 'bench-client', aud: AUDIENCE, iat, exp: iat + 900, jti: `bench-${n}`, client_id: 'bench-client', scope: 'read write' };
}

/** Runs `step` back to back for about `seconds`; returns completions per second. */
async function rate(seconds: number, step: (n: number) => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  let n = 0;
  while (process.hrtime.bigint() - started < budget) {
    await step(n);
    n += 1;
  }
  return n / (Number(process.hrtime.bigint() - started) / 1e9);
}

/** Seals per second and opens per second on this core, each for about `seconds`. */
export async function cryptoCeiling(seconds: number): Promise<CryptoFigures> {
  const { seal, open } = await fixture();
  const tokens = await Promise.all(Array.from({ length: POOL }, (_, i) => sealToken(claims(i), seal)));
  await rate(0.5, (n) => sealToken(claims(n), seal)); // warm-up (JIT)
  const sealsPerSec = await rate(seconds, (n) => sealToken(claims(n), seal));
  await rate(0.5, (n) => openToken(tokens[n % POOL], open));
  const opensPerSec = await rate(seconds, (n) => openToken(tokens[n % POOL], open));
  return { sealsPerSec, opensPerSec };
}
