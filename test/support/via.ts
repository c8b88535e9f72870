/** Client configurations aimed at one issuer process of several sharing an issuer identifier (cluster tests). */
import * as client from 'openid-client';

const ENDPOINTS = ['authorization_endpoint', 'token_endpoint', 'introspection_endpoint', 'revocation_endpoint', 'end_session_endpoint', 'jwks_uri'];

/** The same public client `web`, with every endpoint of `issuer` rewritten to `base`. */
export function configVia(config: client.Configuration, issuer: string, base: string): client.Configuration {
  const metadata: Record<string, unknown> = { ...config.serverMetadata() };
  for (const name of ENDPOINTS) metadata[name] = String(metadata[name]).replace(issuer, base);
  const c = new client.Configuration(metadata as unknown as client.ServerMetadata, 'web', {}, client.None());
  client.allowInsecureRequests(c);
  return c;
}
