import { openToken } from '../../../src/tokens/index.js';
import { claims, craftJwe, craftToken, expectCode, harness, makeIssuer, seal, signRaw } from './fixtures.js';
import type { TestIssuer } from './fixtures.js';

let es: TestIssuer;
let attacker: TestIssuer;
beforeAll(async () => {
  es = await makeIssuer('ES256');
  attacker = await makeIssuer('ES256');
});

function flip(segment: string, at: number): string {
  const c = segment[at] === 'A' ? 'B' : 'A';
  return segment.slice(0, at) + c + segment.slice(at + 1);
}

describe('outer signature (step 3)', () => {
  it('rejects a tampered signature', async () => {
    const [h, p, s] = (await seal(es)).split('.');
    const { opts, calls } = harness([es]);
    await expectCode(openToken(`${h}.${p}.${flip(s, 10)}`, opts), 'ERR_TOKEN_SIGNATURE');
    expect(calls.master).toBe(0);
  });

  it('rejects the inner JWE of token B under the outer header and signature of token A', async () => {
    const [hA, , sA] = (await seal(es, { jti: 'a' })).split('.');
    const [, pB] = (await seal(es, { jti: 'b', sub: 'mallory' })).split('.');
    const { opts, calls } = harness([es]);
    await expectCode(openToken(`${hA}.${pB}.${sA}`, opts), 'ERR_TOKEN_SIGNATURE');
    expect(calls.master).toBe(0);
  });

  it('rejects an unknown kid', async () => {
    const { opts } = harness([es]);
    await expectCode(openToken(await seal(attacker), opts), 'ERR_TOKEN_KEY_UNKNOWN');
  });

  it('rejects an inner header changed (gen 0 -> 1) and re-signed by a key not in the keystore', async () => {
    const [, p] = (await seal(es)).split('.');
    const jwe = Buffer.from(p, 'base64url').toString();
    const [ih, ...rest] = jwe.split('.');
    const header = { ...JSON.parse(Buffer.from(ih, 'base64url').toString()), gen: 1 };
    const forged = [Buffer.from(JSON.stringify(header)).toString('base64url'), ...rest].join('.');
    const outer = { alg: 'ES256', typ: 'portcullis-at+jwt', cty: 'JWT' };
    for (const kid of [es.kid, attacker.kid]) {
      const { opts, calls } = harness([es]);
      const code = kid === es.kid ? 'ERR_TOKEN_SIGNATURE' : 'ERR_TOKEN_KEY_UNKNOWN';
      await expectCode(openToken(signRaw(attacker, { ...outer, kid }, forged), opts), code);
      expect(calls.master).toBe(0);
    }
  });

  it('rejects a token signed by an issuer key under a different alg than published', async () => {
    const { opts } = harness([es]);
    await expectCode(openToken(craftToken(es, { alg: 'PS256' }), opts), 'ERR_TOKEN_KEY_UNKNOWN');
  });
});

describe('inner header binding (step 5)', () => {
  it('fails decryption when a validly signed inner header names another generation', async () => {
    // Even the issuer's own signature cannot make a header-context swap decrypt:
    // the JWE protected header is the AES-GCM AAD and feeds the key derivation.
    const { opts } = harness([es]);
    const token = craftToken(es, {}, { inner: { gen: 1 }, keyContext: { gen: 0 } });
    await expectCode(openToken(token, opts), 'ERR_TOKEN_DECRYPTION');
  });

  it('fails decryption when the ciphertext is tampered', async () => {
    const jwe = craftJwe().split('.');
    jwe[3] = flip(jwe[3], 2);
    const { opts } = harness([es]);
    const token = signRaw(es, { alg: 'ES256', kid: es.kid, typ: 'portcullis-at+jwt', cty: 'JWT' }, jwe.join('.'));
    await expectCode(openToken(token, opts), 'ERR_TOKEN_DECRYPTION');
  });

  it('never lets a jose error escape', async () => {
    const { opts } = harness([es]);
    const good = craftToken(es, {}, { plaintext: claims() });
    const [h, p, s] = good.split('.');
    const error = await openToken(`${h}.${p}.${s.slice(0, -4)}`, opts).catch((e: unknown) => e);
    expect((error as Error).constructor.name).toBe('TokenError');
    expect((error as Error).message).toBe('invalid token');
  });
});
