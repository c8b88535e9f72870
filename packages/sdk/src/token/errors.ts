/** Stable codes for {@link TokenError}; for logs and tests, never shown to clients. */
export type TokenErrorCode =
  | 'ERR_TOKEN_MALFORMED'
  | 'ERR_TOKEN_HEADER'
  | 'ERR_TOKEN_KEY_UNKNOWN'
  | 'ERR_TOKEN_SIGNATURE'
  | 'ERR_TOKEN_ISSUER'
  | 'ERR_TOKEN_AUDIENCE'
  | 'ERR_TOKEN_DECRYPTION'
  | 'ERR_TOKEN_CLAIMS'
  | 'ERR_TOKEN_EXPIRED'
  | 'ERR_TOKEN_NOT_YET_VALID';

/** The one public message of every token failure, so responses leak nothing. */
export const TOKEN_ERROR_MESSAGE = 'invalid token';

/**
 * Every reason a token is refused. The message is always "invalid token";
 * `code` says why (for logs), `cause` may hold an underlying jose error.
 */
export class TokenError extends Error {
  /** Why the token was refused. */
  readonly code: TokenErrorCode;

  constructor(code: TokenErrorCode, options?: { cause?: unknown }) {
    super(TOKEN_ERROR_MESSAGE, options);
    this.name = 'TokenError';
    this.code = code;
  }
}
