import { openPendingTotp, PENDING_TOTP_TTL_MS, sealPendingTotp } from '../../../src/account/pending-totp.js';
import { newTotpSecret } from '../../../src/users/index.js';

const KEY = new Uint8Array(32).fill(7);
const T0 = 1_795_000_000_000;

describe('the pending TOTP secret in the confirmation form', () => {
  const secret = newTotpSecret();
  const sealed = sealPendingTotp(KEY, 'user-a', secret, T0);

  it('opens for the same user until it expires', () => {
    expect(sealed).not.toContain(secret);
    expect(openPendingTotp(KEY, sealed, 'user-a', T0 + PENDING_TOTP_TTL_MS - 1)).toBe(secret);
    expect(openPendingTotp(KEY, sealed, 'user-a', T0 + PENDING_TOTP_TTL_MS)).toBeUndefined();
  });

  it('does not open for another user, under another key, or changed', () => {
    expect(openPendingTotp(KEY, sealed, 'user-b', T0)).toBeUndefined();
    expect(openPendingTotp(new Uint8Array(32).fill(8), sealed, 'user-a', T0)).toBeUndefined();
    const i = sealed.length - 30;
    expect(openPendingTotp(KEY, sealed.slice(0, i) + (sealed[i] === 'A' ? 'B' : 'A') + sealed.slice(i + 1), 'user-a', T0)).toBeUndefined();
    for (const junk of ['', 'v1', 'v1....', secret]) expect(openPendingTotp(KEY, junk, 'user-a', T0)).toBeUndefined();
  });
});
