/**
 * Every route oidc-provider serves with Portcullis's configuration: where each of its
 * endpoints lives (the `routes` option) and which methods each path answers. The HTTP
 * app routes requests by this table and hands oidc-provider only requests it matched
 * exactly, so no spelling of a path can reach an endpoint around the gates in front of
 * it (oidc-provider's own router also matches other letter cases and a trailing slash).
 * Features that add routes are off in configuration.ts (userinfo, dynamic registration,
 * device flow, CIBA, POST at /auth and /session/end); an upgrade that adds a route is
 * unreachable until it is listed here (test/integration/http/routes.test.ts probes a
 * bare provider built from the same configuration for anything not listed).
 */

/** The `routes` configuration: every endpoint's path, enabled or not. */
export const ENDPOINTS = {
  authorization: '/auth',
  token: '/token',
  introspection: '/introspect',
  revocation: '/revoke',
  pushed_authorization_request: '/request',
  end_session: '/session/end',
  jwks: '/jwks',
  userinfo: '/me',
  registration: '/reg',
  device_authorization: '/device/auth',
  code_verification: '/device',
  backchannel_authentication: '/backchannel',
  challenge: '/challenge',
  credential: '/credential',
} as const;

/** Names of the routes oidc-provider serves (its `ctx.oidc.route`). */
export type ProviderRouteName =
  | 'discovery' | 'authorization' | 'resume' | 'token' | 'introspection' | 'revocation'
  | 'pushed_authorization_request' | 'end_session' | 'end_session_confirm' | 'end_session_success';

export interface ProviderRoute {
  name: ProviderRouteName;
  /** exact path; `:uid` stands for one path segment */
  path: string;
  /** methods answered (GET includes HEAD; OPTIONS is a CORS preflight) */
  methods: readonly string[];
}

const READ = ['GET', 'HEAD', 'OPTIONS'] as const;
const CLIENT_POST = ['POST', 'OPTIONS'] as const;

/** What oidc-provider answers, path by path. The JWKS is served from the key store instead. */
export const PROVIDER_ROUTES: readonly ProviderRoute[] = [
  { name: 'discovery', path: '/.well-known/openid-configuration', methods: READ },
  { name: 'discovery', path: '/.well-known/oauth-authorization-server', methods: READ }, // RFC 8414 §3
  { name: 'authorization', path: ENDPOINTS.authorization, methods: ['GET', 'HEAD'] },
  { name: 'resume', path: `${ENDPOINTS.authorization}/:uid`, methods: ['GET', 'HEAD'] },
  { name: 'token', path: ENDPOINTS.token, methods: CLIENT_POST },
  { name: 'introspection', path: ENDPOINTS.introspection, methods: CLIENT_POST },
  { name: 'revocation', path: ENDPOINTS.revocation, methods: CLIENT_POST },
  { name: 'pushed_authorization_request', path: ENDPOINTS.pushed_authorization_request, methods: CLIENT_POST },
  { name: 'end_session', path: ENDPOINTS.end_session, methods: ['GET', 'HEAD'] },
  { name: 'end_session_confirm', path: `${ENDPOINTS.end_session}/confirm`, methods: ['POST'] },
  { name: 'end_session_success', path: `${ENDPOINTS.end_session}/success`, methods: ['GET', 'HEAD'] },
];
