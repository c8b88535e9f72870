/** Stable codes for {@link BindingError}; for logs and tests, never shown to clients. */
export type BindingErrorCode =
  | 'ERR_DPOP_MALFORMED'
  | 'ERR_DPOP_SIGNATURE'
  | 'ERR_DPOP_HTM'
  | 'ERR_DPOP_HTU'
  | 'ERR_DPOP_IAT'
  | 'ERR_DPOP_REPLAY'
  | 'ERR_DPOP_ATH'
  | 'ERR_DPOP_NONCE'
  | 'ERR_DPOP_JKT'
  | 'ERR_DPOP_MISSING'
  | 'ERR_DPOP_UNEXPECTED'
  | 'ERR_MTLS_MISSING'
  | 'ERR_MTLS_THUMBPRINT';

/** The one public message of every binding failure. */
export const BINDING_ERROR_MESSAGE = 'invalid proof of possession';

/**
 * Every reason a proof of possession is refused. The message never says which
 * check failed; `code` does, for logs.
 */
export class BindingError extends Error {
  /** Why the proof was refused. */
  readonly code: BindingErrorCode;

  constructor(code: BindingErrorCode, options?: { cause?: unknown }) {
    super(BINDING_ERROR_MESSAGE, options);
    this.name = 'BindingError';
    this.code = code;
  }
}
