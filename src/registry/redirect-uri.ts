/**
 * Which redirect URIs a client may register (RFC 9700 §4.1.1, RFC 8252 §7):
 *  - `https` with a host;
 *  - `http` only on a loopback address, for native apps listening there (RFC 8252 §7.3;
 *    `localhost` too, which §8.3 discourages but does not forbid);
 *  - a private-use scheme for native apps, which §7.1 wants in reverse domain name
 *    form (`com.example.app:/callback`): a scheme without a period is refused, and so
 *    with it `javascript:`, `data:`, `file:` and the like.
 * Never a fragment (RFC 6749 §3.1.2) or credentials in the URI.
 */
const LOOPBACK = /^(?:127(?:\.\d{1,3}){3}|\[::1\]|localhost)$/;

/** The problem with a redirect URI in one line, or undefined. */
export function redirectUriProblem(uri: string): string | undefined {
  const url = uri.length <= 2048 ? URL.parse(uri) : null;
  if (!url || uri.includes('#')) return `redirect URI ${uri} must be an absolute URI without a fragment`;
  if (url.username || url.password) return `redirect URI ${uri} must not carry credentials`;
  const scheme = url.protocol.slice(0, -1);
  if (scheme === 'https') return url.hostname ? undefined : `redirect URI ${uri} must name a host`;
  if (scheme === 'http') return LOOPBACK.test(url.hostname) ? undefined : `redirect URI ${uri}: http only on a loopback address (127.0.0.1, [::1], localhost); use https`;
  return scheme.includes('.') ? undefined : `redirect URI ${uri}: use https, http on loopback, or a native app's reverse domain name scheme (RFC 8252 §7.1)`;
}
