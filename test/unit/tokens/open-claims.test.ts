import { openToken } from '../../../src/tokens/index.js';
import { AUD, NOW, claims, craftToken, expectCode, harness, makeIssuer, seal } from './fixtures.js';
import type { TestIssuer } from './fixtures.js';

let es: TestIssuer;
beforeAll(async () => {
  es = await makeIssuer('ES256');
});

const at = (now: number) => harness([es], { now: () => now }).opts;

describe('claims checks (step 6)', () => {
  it('rejects an expired token beyond the 30 s tolerance and accepts within it', async () => {
    const token = await seal(es); // exp = NOW + 300
    await expect(openToken(token, at(NOW + 329))).resolves.toBeDefined();
    await expectCode(openToken(token, at(NOW + 330)), 'ERR_TOKEN_EXPIRED');
    await expectCode(openToken(token, harness([es], { now: () => NOW + 301, clockTolerance: 0 }).opts), 'ERR_TOKEN_EXPIRED');
  });

  it('rejects iat in the future beyond the tolerance', async () => {
    const token = await seal(es, { iat: NOW + 100, exp: NOW + 400 });
    await expectCode(openToken(token, at(NOW)), 'ERR_TOKEN_NOT_YET_VALID');
    await expect(openToken(token, at(NOW + 70))).resolves.toBeDefined();
  });

  it('rejects nbf in the future', async () => {
    const token = await seal(es, { nbf: NOW + 120 });
    await expectCode(openToken(token, at(NOW)), 'ERR_TOKEN_NOT_YET_VALID');
  });

  it('rejects a header day that is not the UTC day of iat', async () => {
    // Validly signed and decryptable: the key really was derived for that day.
    const token = craftToken(es, {}, { inner: { day: '2025-10-08' } });
    await expectCode(openToken(token, at(NOW)), 'ERR_TOKEN_CLAIMS');
  });

  it('rejects claims whose iss differs from the header', async () => {
    const token = craftToken(es, {}, { plaintext: claims({ iss: 'https://evil.example' }) });
    await expectCode(openToken(token, at(NOW)), 'ERR_TOKEN_ISSUER');
  });

  it.each([['another string', 'https://other.example'], ['an array', [AUD]]])(
    'rejects claims whose aud is %s',
    async (_name, aud) => {
      const token = craftToken(es, {}, { plaintext: { ...claims(), aud } });
      await expectCode(openToken(token, at(NOW)), 'ERR_TOKEN_AUDIENCE');
    },
  );

  it.each<[string, Record<string, unknown>]>([
    ['no sub', { sub: undefined }],
    ['a numeric sub', { sub: 42 }],
    ['no jti', { jti: undefined }],
    ['a string exp', { exp: String(NOW + 300) }],
    ['no iat', { iat: undefined }],
    ['exp before iat', { exp: NOW - 1 }],
    ['a numeric scope', { scope: 1 }],
  ])('rejects claims with %s', async (_name, overrides) => {
    const plaintext = JSON.parse(JSON.stringify({ ...claims(), ...overrides }));
    const token = craftToken(es, {}, { plaintext, inner: { day: '2025-10-09' } });
    await expectCode(openToken(token, at(NOW)), 'ERR_TOKEN_CLAIMS');
  });

  it.each(['not json', '[1,2]', 'null', '"string"'])('rejects plaintext %s', async (plaintext) => {
    const token = craftToken(es, {}, { plaintext });
    await expectCode(openToken(token, at(NOW)), 'ERR_TOKEN_CLAIMS');
  });
});
