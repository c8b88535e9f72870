import { decryptSecret, encryptSecret, generateKek, parseKek } from '../../../src/keys/index.js';

const KEK = new Uint8Array(32).fill(1);
const SECRET = new TextEncoder().encode('{"kty":"EC","d":"private"}');
const AAD = 'signing-key:kid-1';

function swapPart(blob: string, index: number, value: string): string {
  const parts = blob.split('.');
  parts[index] = value;
  return parts.join('.');
}

function flipFirstByte(b64url: string): string {
  const bytes = Buffer.from(b64url, 'base64url');
  bytes[0] ^= 1;
  return bytes.toString('base64url');
}

describe('encryptSecret / decryptSecret', () => {
  it('round-trips in the v1.<iv>.<ciphertext>.<tag> format', () => {
    const blob = encryptSecret(KEK, SECRET, AAD);
    expect(blob).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(decryptSecret(KEK, blob, AAD)).toEqual(SECRET);
  });

  it('uses a fresh IV each time', () => {
    expect(encryptSecret(KEK, SECRET, AAD)).not.toBe(encryptSecret(KEK, SECRET, AAD));
  });

  it('round-trips an empty secret', () => {
    expect(decryptSecret(KEK, encryptSecret(KEK, new Uint8Array(0), AAD), AAD)).toEqual(new Uint8Array(0));
  });

  it('fails when the AAD names another row (ciphertext swapped between rows)', () => {
    const blob = encryptSecret(KEK, SECRET, AAD);
    expect(() => decryptSecret(KEK, blob, 'signing-key:kid-2')).toThrow(new Error('secret decryption failed'));
  });

  it.each([1, 2, 3])('fails when part %i is tampered', (index) => {
    const blob = encryptSecret(KEK, SECRET, AAD);
    const tampered = swapPart(blob, index, flipFirstByte(blob.split('.')[index]));
    expect(() => decryptSecret(KEK, tampered, AAD)).toThrow('secret decryption failed');
  });

  it('fails with another KEK', () => {
    const blob = encryptSecret(KEK, SECRET, AAD);
    expect(() => decryptSecret(new Uint8Array(32).fill(2), blob, AAD)).toThrow('secret decryption failed');
  });

  it.each([
    ['a truncated tag', (b: string) => swapPart(b, 3, b.split('.')[3].slice(0, 16))],
    ['another version', (b: string) => swapPart(b, 0, 'v2')],
    ['a missing part', (b: string) => b.split('.').slice(0, 3).join('.')],
    ['non-base64url characters', (b: string) => swapPart(b, 2, '+/+/')],
  ])('fails for %s without detail', (_name, mangle) => {
    const error = (() => {
      try {
        decryptSecret(KEK, mangle(encryptSecret(KEK, SECRET, AAD)), AAD);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toEqual(new Error('secret decryption failed'));
    expect(error).not.toBeInstanceOf(TypeError);
  });

  it('throws TypeError for a KEK that is not 32 bytes', () => {
    expect(() => encryptSecret(new Uint8Array(16), SECRET, AAD)).toThrow(TypeError);
    expect(() => decryptSecret(new Uint8Array(33), 'v1.a.b.c', AAD)).toThrow(TypeError);
  });
});

describe('parseKek / generateKek', () => {
  it('accepts base64url and hex encodings of 32 bytes', () => {
    const bytes = new Uint8Array(32).map((_, i) => i * 7);
    const b64 = Buffer.from(bytes).toString('base64url');
    const hex = Buffer.from(bytes).toString('hex');
    expect(parseKek(b64)).toEqual(bytes);
    expect(parseKek(hex)).toEqual(bytes);
    expect(parseKek(hex.toUpperCase())).toEqual(bytes);
    expect(parseKek(`${b64}\n`)).toEqual(bytes);
  });

  it('round-trips a generated KEK', () => {
    const text = generateKek();
    expect(text).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(parseKek(text)).toHaveLength(32);
    expect(generateKek()).not.toBe(text);
  });

  it.each([
    ['empty', ''],
    ['42 base64url chars', 'A'.repeat(42)],
    ['44 base64url chars', 'A'.repeat(44)],
    ['padded base64', `${'A'.repeat(43)}=`],
    ['standard base64 alphabet', `${'A'.repeat(41)}+/`],
    ['a non-canonical last char', `${'A'.repeat(42)}B`],
    ['63 hex chars', 'a'.repeat(63)],
    ['65 hex chars', 'a'.repeat(65)],
    ['hex with a non-hex char', `${'a'.repeat(63)}g`],
    ['a number', 42 as unknown as string],
  ])('rejects %s with TypeError', (_name, text) => {
    expect(() => parseKek(text)).toThrow(TypeError);
  });
});
