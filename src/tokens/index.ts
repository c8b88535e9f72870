/**
 * Nested access tokens: seal (encrypt, then sign) here; open (verify, then decrypt),
 * the header rules and the claim types come from the SDK's token-format entry point,
 * so the issuer and every resource server open tokens with one implementation.
 * No HTTP here.
 */
export { sealToken } from './seal.js';
export type { SealOptions } from './seal.js';
export {
  openToken, TokenError, TOKEN_ERROR_MESSAGE, OUTER_TYP, OUTER_CTY, INNER_TYP, INNER_ALG, INNER_ENC, OUTER_HEADER_MEMBERS,
  INNER_HEADER_MEMBERS,
} from '@portcullis/sdk/token';
export type { OpenOptions, OpenedToken, TokenContext, TokenErrorCode, AccessTokenClaims, OuterHeader, InnerHeader } from '@portcullis/sdk/token';
