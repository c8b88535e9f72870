/**
 * openid-client v6 as the real OAuth client of the issuer child processes, over plain
 * HTTP on loopback (allowInsecureRequests). In a cluster every process shares one
 * ISSUER, so a client is pointed at one process by rewriting the endpoint origins of
 * the discovered metadata.
 */
import * as oidc from 'openid-client';

export interface OAuthClient {
  config: oidc.Configuration;
  /** client_credentials for one resource (RFC 8707) and scope. */
  token(resource: string, scope: string): Promise<string>;
  /** RFC 7662 introspection response for the client's own token. */
  introspect(token: string): Promise<Record<string, unknown>>;
  /** Whether introspection says active. */
  active(token: string): Promise<boolean>;
  /** RFC 7009 revocation. */
  revoke(token: string): Promise<void>;
}

const ENDPOINTS = ['token_endpoint', 'introspection_endpoint', 'revocation_endpoint', 'jwks_uri'] as const;

/**
 * Discovers the issuer at `issuer` (its /.well-known document), then, when `via` is
 * another process's base URL, sends every request there instead.
 */
export async function oauthClient(issuer: string, clientId: string, secret: string, via = issuer): Promise<OAuthClient> {
  const auth = oidc.ClientSecretBasic(secret);
  let config = await oidc.discovery(new URL(issuer), clientId, undefined, auth, { execute: [oidc.allowInsecureRequests] });
  if (via !== issuer) {
    const metadata: Record<string, unknown> = { ...config.serverMetadata() };
    for (const name of ENDPOINTS) metadata[name] = String(metadata[name]).replace(issuer, via);
    config = new oidc.Configuration(metadata as unknown as oidc.ServerMetadata, clientId, undefined, auth);
    oidc.allowInsecureRequests(config);
  }
  return {
    config,
    async token(resource, scope) {
      return (await oidc.clientCredentialsGrant(config, { resource, scope })).access_token;
    },
    async introspect(token) {
      return { ...(await oidc.tokenIntrospection(config, token)) };
    },
    async active(token) {
      return (await oidc.tokenIntrospection(config, token)).active;
    },
    revoke: (token) => oidc.tokenRevocation(config, token),
  };
}

/**
 * The OAuth error a request failed with, or undefined if it succeeded. A 401 with a
 * WWW-Authenticate challenge (RFC 6749 §5.2, client_secret_basic) reaches us as
 * oauth4webapi's challenge error: its body is read here for the `error` code.
 */
export async function oauthFailure(request: Promise<unknown>): Promise<{ status?: number; error?: string } | undefined> {
  try {
    await request;
    return undefined;
  } catch (err) {
    const e = err as { status?: number; error?: string; response?: Response };
    if (e.error === undefined && e.response && !e.response.bodyUsed) {
      const body = await e.response.json().catch(() => ({})) as { error?: string };
      return { status: e.status, error: body.error };
    }
    return { status: e.status, error: e.error };
  }
}
