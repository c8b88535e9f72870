/**
 * The crypto ceiling: how many tokens this process seals (and opens) with no HTTP,
 * no database and no oidc-provider, using the same code the issuer runs (sealToken /
 * openToken, an ES256 key, a derived-key cache, a fixed master), and what each costs
 * in CPU. 1e6 / (CPU µs per seal) is the single-core ceiling.
 */
import { randomBytes } from 'node:crypto';
import { createDerivedKeyCache, generateSigningKey, importSigningKey, subjectHandle } from '../../src/keys/index.js';
import { openToken, sealToken, type SealOptions } from '../../src/tokens/index.js';

/** One operation's rate with 1 and with many in flight, and its CPU cost (all threads). */
export interface OpFigures { sequentialPerSec: number; concurrentPerSec: number; cpuMicros: number }
export interface CryptoFigures { seal: OpFigures; open: OpFigures; inFlight: number }

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

/** Runs `step` back to back on `lanes` concurrent lanes for about `seconds`; completions per second and CPU µs each. */
async function rate(seconds: number, lanes: number, step: (n: number) => Promise<unknown>): Promise<{ perSec: number; cpuMicros: number }> {
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const budget = BigInt(Math.round(seconds * 1e9));
  let n = 0;
  const lane = async () => {
    while (process.hrtime.bigint() - started < budget) {
      n += 1;
      await step(n);
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  const used = process.cpuUsage(cpu);
  return { perSec: n / (Number(process.hrtime.bigint() - started) / 1e9), cpuMicros: (used.user + used.system) / n };
}

/**
 * jose uses WebCrypto, which runs each sign/encrypt on libuv's threadpool: one at a
 * time the rate is bound by hand-off latency, with many in flight by CPU. Both are
 * reported, with the CPU per operation (main thread + threadpool).
 */
export async function figures(seconds: number, inFlight: number, step: (n: number) => Promise<unknown>): Promise<OpFigures> {
  await rate(0.5, inFlight, step); // warm-up (JIT)
  const sequential = await rate(seconds / 2, 1, step);
  const concurrent = await rate(seconds / 2, inFlight, step);
  return { sequentialPerSec: sequential.perSec, concurrentPerSec: concurrent.perSec, cpuMicros: concurrent.cpuMicros };
}

/** Seals and opens per second in this process, each for about `seconds`. */
export async function cryptoCeiling(seconds: number, inFlight: number): Promise<CryptoFigures> {
  const { seal, open } = await fixture();
  const tokens = await Promise.all(Array.from({ length: POOL }, (_, i) => sealToken(claims(i), seal)));
  return {
    seal: await figures(seconds, inFlight, (n) => sealToken(claims(n), seal)),
    open: await figures(seconds, inFlight, (n) => openToken(tokens[n % POOL], open)),
    inFlight,
  };
}
