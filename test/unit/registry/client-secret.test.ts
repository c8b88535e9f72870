import { generateClientSecret, hashClientSecret, verifyClientSecret, clientProblem } from '../../../src/registry/index.js';

const pepper = new Uint8Array(32).fill(7);

describe('client secrets', () => {
  it('stores a keyed hash, never the secret', () => {
    const secret = generateClientSecret();
    const stored = hashClientSecret(pepper, secret);
    expect(stored).not.toContain(secret);
    expect(stored.startsWith('pcs1$')).toBe(true);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('verifies the right secret and refuses others', () => {
    const stored = hashClientSecret(pepper, 'a'.repeat(40));
    expect(verifyClientSecret(pepper, stored, 'a'.repeat(40))).toBe(true);
    expect(verifyClientSecret(pepper, stored, 'a'.repeat(39))).toBe(false);
    expect(verifyClientSecret(pepper, stored, undefined)).toBe(false);
    expect(verifyClientSecret(pepper, stored, ['a'.repeat(40)])).toBe(false);
    expect(verifyClientSecret(new Uint8Array(32).fill(8), stored, 'a'.repeat(40))).toBe(false);
  });

  it('refuses a stored value that is not a verifier (a clear-text secret must never match)', () => {
    expect(verifyClientSecret(pepper, 'a'.repeat(40), 'a'.repeat(40))).toBe(false);
    expect(verifyClientSecret(pepper, undefined, '')).toBe(false);
  });

  it('validates registrations', () => {
    const ok = { id: 'billing', grants: ['client_credentials'], scopes: ['invoices:read'], audiences: ['https://api.example'] };
    expect(clientProblem(ok)).toBeUndefined();
    expect(clientProblem({ ...ok, id: 'bad id' })).toMatch(/client id/);
    expect(clientProblem({ ...ok, grants: ['password'] })).toMatch(/unsupported grant/);
    expect(clientProblem({ ...ok, secret: 'short' })).toMatch(/at least 32/);
    expect(clientProblem({ ...ok, audiences: ['not a uri'] })).toMatch(/absolute URI/);
    expect(clientProblem({ ...ok, audiences: ['https://a.example/#frag'] })).toMatch(/absolute URI/);
    expect(clientProblem({ ...ok, scopes: ['bad"scope'] })).toMatch(/scope/);
  });
});
