/**
 * SDK local verification against the crypto ceiling of the same steps, in this
 * process (no HTTP). The SDK runs createVerifier().verify: JWKS lookup (keys served
 * by an in-process fetch), openToken (header checks, ES256 verify, master lookup,
 * cached content key, A256GCM decrypt, claim checks), revocation view and binding.
 * The ceiling runs only the cryptography: jose compactVerify with the public key,
 * compactDecrypt with the already-derived content key, JSON.parse; for DPoP also
 * the proof's jwtVerify with its embedded key, the jwk thumbprint and the ath hash.
 * Both sides skip replay bookkeeping (the SDK gets a pass-through replay cache),
 * so a pool of pre-made proofs can be reused.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, compactDecrypt, compactVerify, EmbeddedJWK, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { createDerivedKeyCache, formatOpeningSecret, generateSigningKey, importSigningKey, subjectHandle } from '../../src/keys/index.js';
import { sealToken, type AccessTokenClaims } from '../../src/tokens/index.js';
import { createVerifier } from '@portcullis/sdk';
import { figures, type OpFigures } from './crypto-ceiling.js';

const ISSUER = 'https://issuer.bench.example';
const AUDIENCE = 'https://api.bench.example';
const URL_ = 'https://api.bench.example/things';
const POOL = 500;

export interface SdkFigures { bearer: { sdk: OpFigures; ceiling: OpFigures }; dpop: { sdk: OpFigures; ceiling: OpFigures } }

async function fixture() {
  const generated = await generateSigningKey('ES256');
  const signingKey = { kid: generated.kid, alg: 'ES256', key: await importSigningKey(generated.privateJwk, 'ES256') };
  const publicKey = await importSigningKey(generated.publicJwk, 'ES256');
  const master = { version: 1, secret: new Uint8Array(randomBytes(32)) };
  const handle = subjectHandle(randomBytes(32), 'bench-client');
  const keyCache = createDerivedKeyCache();
  const dpop = await generateKeyPair('ES256');
  const jwk = await exportJWK(dpop.publicKey);
  const jkt = await calculateJwkThumbprint(jwk);
  const seal = (cnf?: object) => {
    const iat = Math.floor(Date.now() / 1000);
    const claims = { iss: ISSUER, sub: 'bench-client', aud: AUDIENCE, iat, exp: iat + 900, jti: randomUUID(), client_id: 'bench-client', scope: 'read', ...(cnf ? { cnf } : {}) };
    return sealToken(claims as AccessTokenClaims, { signingKey, master, handle, generation: 0, keyCache });
  };
  const proof = (token: string) => new SignJWT({ htm: 'GET', htu: URL_, jti: randomUUID(), ath: createHash('sha256').update(token).digest('base64url') })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk }).setIssuedAt().sign(dpop.privateKey);
  const jwks = { keys: [{ ...generated.publicJwk, kid: generated.kid, alg: 'ES256', use: 'sig' }] };
  return { publicKey, master, seal, proof, jkt, jwks, keyCache };
}

/** Measures SDK verification and its crypto ceiling, bearer and DPoP, `seconds` each. */
export async function sdkVerification(seconds: number, inFlight: number): Promise<SdkFigures> {
  const f = await fixture();
  const bearer = await Promise.all(Array.from({ length: POOL }, () => f.seal()));
  const bound = await Promise.all(Array.from({ length: POOL }, () => f.seal({ jkt: f.jkt })));
  const proofs = await Promise.all(bound.map(f.proof));
  const verifier = createVerifier({
    issuer: ISSUER, audience: AUDIENCE, openingSecret: formatOpeningSecret(f.master.version, f.master.secret), algorithms: ['ES256'],
    fetch: (async () => new Response(JSON.stringify(f.jwks))) as typeof fetch, dpop: { replay: { firstUse: () => true } },
  });
  const cek = f.keyCache.get(f.master.secret, JSON.parse(Buffer.from(Buffer.from(bearer[0].split('.')[1], 'base64url').toString().split('.')[0], 'base64url').toString()));
  const open = async (token: string) => {
    const { payload } = await compactVerify(token, f.publicKey, { algorithms: ['ES256'] });
    const header = JSON.parse(Buffer.from(new TextDecoder().decode(payload).split('.')[0], 'base64url').toString());
    const key = f.keyCache.get(f.master.secret, header);
    return JSON.parse(new TextDecoder().decode((await compactDecrypt(payload, key ?? cek)).plaintext)) as object;
  };
  const presentation = (i: number) => ({ scheme: 'DPoP' as const, dpopProof: proofs[i % POOL], method: 'GET', url: URL_ });
  return {
    bearer: {
      sdk: await figures(seconds, inFlight, (n) => verifier.verify(bearer[n % POOL])),
      ceiling: await figures(seconds, inFlight, (n) => open(bearer[n % POOL])),
    },
    dpop: {
      sdk: await figures(seconds, inFlight, (n) => verifier.verify(bound[n % POOL], presentation(n))),
      ceiling: await figures(seconds, inFlight, async (n) => {
        await open(bound[n % POOL]);
        const { protectedHeader } = await jwtVerify(proofs[n % POOL], EmbeddedJWK, { algorithms: ['ES256'], typ: 'dpop+jwt' });
        await calculateJwkThumbprint(protectedHeader.jwk!);
        createHash('sha256').update(bound[n % POOL]).digest('base64url');
      }),
    },
  };
}

const num = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * Markdown table: SDK vs ceiling, per scenario. The goal (SDK >= 0.8x) is judged on the
 * single-core rate, 1e6 / CPU µs per verification (all threads), which a busy shared
 * machine skews far less than wall-clock throughput (shown too).
 */
export function sdkTable(s: SdkFigures): string {
  const rows = (['bearer', 'dpop'] as const).map((k) => {
    const { sdk, ceiling } = s[k];
    const ratio = ceiling.cpuMicros / sdk.cpuMicros;
    return `| ${k} | ${num(1e6 / sdk.cpuMicros)} | ${num(1e6 / ceiling.cpuMicros)} | ${ratio.toFixed(2)} | >= 0.8x: ${ratio >= 0.8 ? 'met' : 'MISSED'} | ${num(sdk.cpuMicros)} / ${num(ceiling.cpuMicros)} | ${num(sdk.concurrentPerSec)} / ${num(ceiling.concurrentPerSec)} |`;
  });
  return [
    '### SDK local verification vs single-core crypto ceiling (in-process, no HTTP)',
    '| token | SDK single-core /s | ceiling single-core /s | SDK / ceiling | goal | CPU µs each (SDK / ceiling) | 32 in flight /s (SDK / ceiling) |',
    '|---|---:|---:|---:|---|---:|---:|',
    ...rows,
  ].join('\n');
}
