/** Hostile fingerprints are refused with invalid_request, before any hashing. */
import { InvalidFingerprint, MAX_COMPONENTS, parseFingerprint } from '../../../src/fingerprint/index.js';

function refused(input: unknown): InvalidFingerprint {
  try {
    parseFingerprint(input);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidFingerprint);
    const e = err as InvalidFingerprint;
    expect([e.error, e.status]).toEqual(['invalid_request', 400]);
    return e;
  }
  throw new Error(`accepted ${String(input).slice(0, 80)}`);
}

describe('parseFingerprint', () => {
  it('accepts a flat object of strings, numbers and booleans (as strings)', () => {
    expect(parseFingerprint('{"canvas":"abc","hardwareConcurrency":8,"cookiesEnabled":true}')).toEqual({ canvas: 'abc', hardwareConcurrency: '8', cookiesEnabled: 'true' });
  });

  it.each([
    ['not JSON', '{canvas'],
    ['an array', '["a"]'],
    ['null', 'null'],
    ['a number', '42'],
    ['empty object', '{}'],
    ['nested object', '{"canvas":{"a":1}}'],
    ['null value', '{"canvas":null}'],
    ['array value', '{"canvas":[1,2]}'],
    ['bad name', '{"__proto__x!":"a"}'],
    ['name with spaces', '{"a b":"a"}'],
    ['long value', JSON.stringify({ canvas: 'x'.repeat(513) })],
    ['huge JSON', JSON.stringify({ canvas: 'x'.repeat(20_000) })],
  ])('refuses %s', (_name, input) => {
    refused(input);
  });

  it('refuses thousands of components', () => {
    const many = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`c${i}`, 'v']));
    expect(refused(JSON.stringify(many)).detail).toMatch(/more than|larger than/);
    const justOver = Object.fromEntries(Array.from({ length: MAX_COMPONENTS + 1 }, (_, i) => [`c${i}`, 'v']));
    expect(refused(justOver).detail).toMatch(/more than/);
  });

  it('refuses a __proto__ key without polluting anything', () => {
    refused('{"__proto__":{"polluted":"yes"}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses non-finite numbers given as values', () => {
    refused({ canvas: Number.NaN });
    refused({ canvas: Infinity });
  });
});
