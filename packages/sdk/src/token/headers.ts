/**
 * Header values of the nested token: an outer JWS whose payload is an inner JWE.
 * Explicit typing (RFC 8725 §3.11) keeps other JWTs signed with the same keys
 * (ID tokens, SETs, introspection responses) from passing as access tokens.
 */

/** `typ` of the outer JWS. */
export const OUTER_TYP = 'portcullis-at+jwt';
/** `cty` of the outer JWS: its payload is itself a JWT (RFC 7519 §5.2). */
export const OUTER_CTY = 'JWT';
/** `typ` of the inner JWE (RFC 9068 §2.1). */
export const INNER_TYP = 'at+jwt';
/** Inner key management: the content key is derived, not wrapped. */
export const INNER_ALG = 'dir';
/** Inner content encryption. */
export const INNER_ENC = 'A256GCM';

/** The outer JWS protected header, exactly. */
export interface OuterHeader {
  alg: string;
  kid: string;
  typ: typeof OUTER_TYP;
  cty: typeof OUTER_CTY;
}

/**
 * The inner JWE protected header, exactly: everything key derivation needs.
 * The outer signature covers it before it is used; `sh` stands in for `sub`.
 */
export interface InnerHeader {
  alg: typeof INNER_ALG;
  enc: typeof INNER_ENC;
  typ: typeof INNER_TYP;
  iss: string;
  aud: string;
  msv: number;
  day: string;
  sh: string;
  gen: number;
}

/** Members allowed in the outer header; anything else (crit, jwk, jku, x5u, x5c, x5t, zip, b64…) is refused. */
export const OUTER_HEADER_MEMBERS: readonly string[] = ['alg', 'kid', 'typ', 'cty'];
/** Members allowed in the inner header; anything else (zip, crit, epk, jwk, jku, x5u, x5c…) is refused. */
export const INNER_HEADER_MEMBERS: readonly string[] = ['alg', 'enc', 'typ', 'iss', 'aud', 'msv', 'day', 'sh', 'gen'];
