/**
 * Subject keys: a name is keyed as the risk engine compares names (so every spelling of
 * one name, and a name nobody has, is keyed the same way as a real account's), user ids
 * apart from names, under the deployment secret only (another secret, another key), and
 * in a fixed form that carries nothing of the input.
 */
import { createSubjectKeys, normaliseName } from '../../../src/risk/index.js';

const keys = createSubjectKeys(new Uint8Array(32).fill(7));

describe('subject keys', () => {
  it('key a name as compared: trimmed, lower-cased, cut at 64 characters', () => {
    expect(keys.ofName(' Frank.Castle@Example.TEST ')).toBe(keys.ofName('frank.castle@example.test'));
    expect(keys.ofName('a'.repeat(64) + 'tail')).toBe(keys.ofName('a'.repeat(64)));
    expect(keys.ofName('frank')).not.toBe(keys.ofName('frank2'));
    expect(normaliseName('  Alice ')).toBe('alice');
  });

  it('are 22 base64url characters with nothing of the name in them', () => {
    for (const k of [keys.ofName('frank@example.test'), keys.ofUser('0b7c2f55-6a43-4c37-9f66-5d5a39ef3a10')]) {
      expect(k).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(k.toLowerCase()).not.toContain('frank');
    }
  });

  it('keep names and user ids apart, and depend on the secret', () => {
    const id = '0b7c2f55-6a43-4c37-9f66-5d5a39ef3a10';
    expect(keys.ofName(id)).not.toBe(keys.ofUser(id));
    expect(createSubjectKeys(new Uint8Array(32).fill(8)).ofName('frank')).not.toBe(keys.ofName('frank'));
    expect(() => createSubjectKeys(new Uint8Array(8))).toThrow(TypeError);
  });
});
