import { hashPassword, verifyPassword } from '../../../src/users/index.js';

describe('Argon2id passwords', () => {
  it('hashes with Argon2id and a random salt, and verifies only the right password', async () => {
    const [a, b] = [await hashPassword('correct horse'), await hashPassword('correct horse')];
    expect(a).toMatch(/^\$argon2id\$v=19\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword(a, 'correct horse')).toBe(true);
    expect(await verifyPassword(a, 'correct horsE')).toBe(false);
  });

  it('an unknown user (no hash) never verifies, even with the dummy password', async () => {
    expect(await verifyPassword(undefined, 'portcullis-dummy-password')).toBe(false);
    expect(await verifyPassword(undefined, '')).toBe(false);
  });

  it('a malformed stored hash fails closed', async () => {
    expect(await verifyPassword('not-a-hash', 'x')).toBe(false);
  });
});
