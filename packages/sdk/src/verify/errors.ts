/** OAuth error codes a resource server answers with (RFC 6750 §3.1, RFC 9449 §7.1, §9). */
export type AccessTokenErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope' | 'invalid_dpop_proof' | 'use_dpop_nonce' | 'insufficient_user_authentication';

const DESCRIPTIONS: Record<AccessTokenErrorCode, string> = {
  invalid_request: 'the request is missing a required parameter or is malformed',
  invalid_token: 'the access token is invalid',
  insufficient_scope: 'the access token does not grant this request',
  invalid_dpop_proof: 'the DPoP proof is invalid',
  use_dpop_nonce: 'a DPoP nonce is required',
  insufficient_user_authentication: 'a stronger authentication is required',
};

const STATUS: Record<AccessTokenErrorCode, number> = {
  invalid_request: 400, invalid_token: 401, insufficient_scope: 403, invalid_dpop_proof: 401, use_dpop_nonce: 401, insufficient_user_authentication: 401,
};

/**
 * Every failure of the resource-server SDK. `code` is the OAuth error code and
 * `description` is the same for every failure with that code, so a client never
 * learns which check failed; `reason` (e.g. ERR_TOKEN_EXPIRED, ERR_DPOP_ATH) is
 * for the resource server's logs only.
 */
export class AccessTokenError extends Error {
  readonly code: AccessTokenErrorCode;
  readonly status: number;
  readonly description: string;
  /** private: why, for logs */
  readonly reason: string;

  /** RFC 9470 §3: the `acr_values` the client must ask for (insufficient_user_authentication) */
  readonly acrValues?: string;

  constructor(code: AccessTokenErrorCode, reason: string, options?: { cause?: unknown; acrValues?: string }) {
    super(DESCRIPTIONS[code], options);
    if (options?.acrValues) this.acrValues = options.acrValues;
    this.name = 'AccessTokenError';
    this.code = code;
    this.status = STATUS[code];
    this.description = DESCRIPTIONS[code];
    this.reason = reason;
  }
}
