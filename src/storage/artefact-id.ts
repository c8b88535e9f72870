import { createHmac } from 'node:crypto';

/**
 * oidc-provider models whose id is itself a bearer credential: whoever holds the value
 * can redeem it at /token (codes, refresh tokens, device and CIBA codes, RFC 9126
 * request URIs) or manage a client with it (registration tokens). Their rows are keyed
 * by a keyed hash of the value, and the value is kept out of the stored payload, so a
 * database read (or a backup) yields nothing /token accepts (RFC 9700 §4.14 asks that
 * refresh tokens be protected at rest like other credentials).
 *
 * Sessions and interactions are not listed: their ids travel in cookies that
 * oidc-provider signs with the deployment's cookie keys, so a stored id alone is no
 * credential, and they are looked up by `uid` as well.
 */
export const BEARER_MODELS: ReadonlySet<string> = new Set([
  'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest',
  'PushedAuthorizationRequest', 'RegistrationAccessToken', 'InitialAccessToken',
]);

/** The stored id of a bearer artefact: HMAC-SHA-256 of model and value under the deployment's key. */
export function artefactId(key: Uint8Array, model: string, value: string): string {
  return createHmac('sha256', key).update(`${model}\u0000${value}`).digest('base64url');
}
