import { Secret, TOTP, URI } from 'otpauth';
import { newTotpSecret, totpStep, totpUri, levelOf, ACR_MFA, ACR_PASSWORD } from '../../../src/users/index.js';

const T0 = 1_795_000_000_000; // a fixed instant (ms)

describe('TOTP (RFC 6238)', () => {
  const secret = newTotpSecret();
  const gen = (ms: number) => new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: ms });

  it('makes 160-bit secrets and an otpauth URI an app can import', () => {
    expect(Secret.fromBase32(secret).bytes.length).toBe(20);
    const parsed = URI.parse(totpUri('issuer.example', 'alice', secret)) as TOTP;
    expect(parsed.generate({ timestamp: T0 })).toBe(gen(T0));
    expect(parsed.issuer).toBe('issuer.example');
  });

  it('accepts the current code and one step of drift, and names its step', () => {
    const step = Math.floor(T0 / 30_000);
    expect(totpStep(secret, gen(T0), T0)).toBe(step);
    expect(totpStep(secret, gen(T0 - 30_000), T0)).toBe(step - 1);
    expect(totpStep(secret, gen(T0 + 30_000), T0)).toBe(step + 1);
  });

  it('refuses codes outside the window and malformed input', () => {
    expect(totpStep(secret, gen(T0 - 90_000), T0)).toBeUndefined();
    for (const bad of ['', '12345', '1234567', 'abcdef', ' 123456']) expect(totpStep(secret, bad, T0)).toBeUndefined();
  });
});

describe('authentication levels', () => {
  it('password alone and password plus TOTP (RFC 8176 amr values)', () => {
    expect(levelOf(false)).toEqual({ acr: ACR_PASSWORD, amr: ['pwd'] });
    expect(levelOf(true)).toEqual({ acr: ACR_MFA, amr: ['pwd', 'otp'] });
  });
});
