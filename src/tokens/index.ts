/**
 * Nested access tokens: seal (encrypt, then sign) and open (verify, then
 * decrypt). No HTTP here; the resource-server SDK reuses {@link openToken}.
 */
export { sealToken } from './seal.js';
export type { SealOptions } from './seal.js';
export { openToken } from './open.js';
export type { OpenOptions, OpenedToken, TokenContext } from './open.js';
export { TokenError, TOKEN_ERROR_MESSAGE } from './errors.js';
export type { TokenErrorCode } from './errors.js';
export type { AccessTokenClaims } from './claims.js';
export { OUTER_TYP, OUTER_CTY, INNER_TYP, INNER_ALG, INNER_ENC, OUTER_HEADER_MEMBERS, INNER_HEADER_MEMBERS } from './headers.js';
export type { OuterHeader, InnerHeader } from './headers.js';
