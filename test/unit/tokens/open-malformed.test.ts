import { openToken } from '../../../src/tokens/index.js';
import { b64, b64json, expectCode, harness, makeIssuer, seal, signRaw } from './fixtures.js';
import type { TestIssuer } from './fixtures.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await makeIssuer('ES256');
});

const sig = b64('signature-bytes');
const goodHeader = () => b64json({ alg: 'ES256', kid: issuer.kid, typ: 'portcullis-at+jwt', cty: 'JWT' });

describe('openToken shape checks (step 1-2, before any crypto)', () => {
  it.each<[string, () => unknown]>([
    ['undefined', () => undefined],
    ['a number', () => 42],
    ['an object', () => ({ token: 'a.b.c' })],
    ['a Buffer', () => Buffer.from('a.b.c')],
    ['the empty string', () => ''],
    ['two segments', () => `${goodHeader()}.${b64('x')}`],
    ['four segments', () => `${goodHeader()}.${b64('x')}.${sig}.${sig}`],
    ['an empty payload segment', () => `${goodHeader()}..${sig}`],
    ['an empty signature segment', () => `${goodHeader()}.${b64('x')}.`],
    ['non-base64url characters', () => `${goodHeader()}.${b64('x')}+/.${sig}`],
    ['padding', () => `${goodHeader()}.${b64('x')}==.${sig}`],
    ['a non-JSON header', () => `${b64('not json')}.${b64('x')}.${sig}`],
    ['a JSON array header', () => `${b64json([{ alg: 'ES256' }])}.${b64('x')}.${sig}`],
    ['a JSON null header', () => `${b64json(null)}.${b64('x')}.${sig}`],
    ['a header that is not UTF-8', () => `${b64(new Uint8Array([0xff, 0xfe, 0x7b]))}.${b64('x')}.${sig}`],
    ['a 1 MB token', () => `${goodHeader()}.${'A'.repeat(1 << 20)}.${sig}`],
    ['an oversized header', () => `${b64json({ alg: 'ES256', pad: 'x'.repeat(4000) })}.${b64('x')}.${sig}`],
  ])('rejects %s as malformed without touching keys', async (_name, input) => {
    const { opts, calls } = harness([issuer]);
    await expectCode(openToken(input(), opts), 'ERR_TOKEN_MALFORMED');
    expect(calls).toEqual({ verificationKey: 0, master: 0 });
  });

  it('honours maxLength', async () => {
    const token = await seal(issuer);
    const { opts, calls } = harness([issuer], { maxLength: token.length - 1 });
    await expectCode(openToken(token, opts), 'ERR_TOKEN_MALFORMED');
    expect(calls.verificationKey).toBe(0);
  });

  it('rejects a signed payload that is not a 5-segment compact JWE', async () => {
    const header = { alg: 'ES256', kid: issuer.kid, typ: 'portcullis-at+jwt', cty: 'JWT' };
    for (const payload of ['{"sub":"x"}', 'a.b.c', 'a.b.c.d.e', `${b64('{}')}.${b64('k')}.a.b.c`]) {
      const { opts, calls } = harness([issuer]);
      await expectCode(openToken(signRaw(issuer, header, payload), opts), 'ERR_TOKEN_MALFORMED');
      expect(calls.master).toBe(0);
    }
  });
});
