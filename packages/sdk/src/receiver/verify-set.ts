/**
 * Verifies one Security Event Token (RFC 8417) from the issuer: signature against the
 * issuer's JWKS (never a key or URL named in the SET's header), `typ` secevent+jwt
 * (RFC 8417 §2.3, so an access or ID token cannot pass as a SET), `iss`, `aud`, `jti`,
 * and an `iat` no older than maxAgeSec. Failures carry the RFC 8935 §2.3 error code.
 */
import { errors, jwtVerify, type JWTVerifyGetKey } from 'jose';

export interface VerifiedSet {
  jti: string;
  iat: number;
  iss: string;
  aud: string | string[];
  sub_id?: Record<string, unknown>;
  events: Record<string, Record<string, unknown>>;
}

export type SetErrorCode = 'invalid_request' | 'invalid_key' | 'invalid_issuer' | 'invalid_audience' | 'authentication_failed';

/** A SET refused; `code` is the RFC 8935 §2.3 `err` value. */
export class SetVerificationError extends Error {
  readonly code: SetErrorCode;
  constructor(code: SetErrorCode, message: string) {
    super(message);
    this.name = 'SetVerificationError';
    this.code = code;
  }
}

export interface VerifySetOptions {
  issuer: string;
  audience: string;
  keys: JWTVerifyGetKey;
  maxAgeSec: number;
  clockToleranceSec: number;
  algorithms?: string[];
  now?: () => number;
}

/** Verifies a compact SET; throws SetVerificationError. */
export async function verifySet(jwt: string, opts: VerifySetOptions): Promise<VerifiedSet> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(jwt, opts.keys, {
      issuer: opts.issuer, audience: opts.audience, typ: 'secevent+jwt', algorithms: opts.algorithms ?? ['ES256', 'EdDSA', 'PS256'],
      maxTokenAge: opts.maxAgeSec, clockTolerance: opts.clockToleranceSec, requiredClaims: ['jti', 'iat'],
      currentDate: opts.now ? new Date(opts.now()) : undefined,
    }));
  } catch (err) {
    throw asSetError(err);
  }
  const events = payload.events;
  if (!events || typeof events !== 'object' || Array.isArray(events) || !Object.keys(events).length) {
    throw new SetVerificationError('invalid_request', 'the SET has no events');
  }
  if (typeof payload.jti !== 'string' || payload.jti.length > 256) throw new SetVerificationError('invalid_request', 'bad jti');
  return payload as unknown as VerifiedSet;
}

function asSetError(err: unknown): SetVerificationError {
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'iss') return new SetVerificationError('invalid_issuer', 'unexpected issuer');
    if (err.claim === 'aud') return new SetVerificationError('invalid_audience', 'not addressed to this receiver');
    return new SetVerificationError('invalid_request', `${err.claim} check failed`);
  }
  if (err instanceof errors.JWTExpired) return new SetVerificationError('invalid_request', 'the SET has expired');
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) {
    return new SetVerificationError('invalid_key', 'signed by a key the issuer does not publish');
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return new SetVerificationError('invalid_key', 'signature verification failed');
  if (err instanceof errors.JOSEAlgNotAllowed) return new SetVerificationError('invalid_key', 'algorithm not allowed');
  return new SetVerificationError('invalid_request', 'not a valid SET');
}
