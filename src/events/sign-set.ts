/**
 * Signs a Security Event Token (RFC 8417) with the issuer's current signing key. The
 * `typ` is `secevent+jwt` (RFC 8417 §2.3) so a SET can never pass as an access token
 * or ID token, and vice versa.
 */
import { SignJWT } from 'jose';
import type { SigningKeyView } from '../keys/index.js';
import type { SetPayload } from './build-payload.js';

export const SET_TYP = 'secevent+jwt';

/** The compact SET for one stored event, `iat` = now. */
export async function signSet(payload: SetPayload, jti: string, key: SigningKeyView, now: Date): Promise<string> {
  return new SignJWT({ ...payload } as unknown as Record<string, unknown>)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: SET_TYP })
    .setJti(jti)
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .sign(key.key);
}
