/**
 * Baseline issuer for the benchmark: a bare oidc-provider 9 with one static client,
 * client_credentials, and one resource server whose access tokens use oidc-provider's
 * own JWT format, signed with ES256 and then encrypted (dir + A256GCM). Default
 * in-memory adapter, no database. Started by bench.ts as a child process.
 *
 * A second resource server, OPAQUE_AUDIENCE, gets oidc-provider's opaque (stored)
 * tokens, which its /introspect accepts: that gives a reference figure for
 * oidc-provider's own introspection pipeline (JWT tokens cannot be introspected there).
 *
 * Env: BENCH_PORT, BENCH_CLIENT_ID, BENCH_CLIENT_SECRET, BENCH_AUDIENCE, BENCH_SCOPES.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';
import { OPAQUE_AUDIENCE } from './requests.js';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new TypeError(`${name} is required`);
  return value;
}

async function configuration(): Promise<Configuration> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const signingJwk = { ...(await exportJWK(privateKey)), kid: 'bench-es256', alg: 'ES256', use: 'sig' };
  const audience = env('BENCH_AUDIENCE');
  const scope = env('BENCH_SCOPES');
  const encryptionKey = randomBytes(32);
  return {
    jwks: { keys: [signingJwk as never] },
    routes: { introspection: '/introspect' },
    clients: [{
      client_id: env('BENCH_CLIENT_ID'), client_secret: env('BENCH_CLIENT_SECRET'),
      grant_types: ['client_credentials'], response_types: [], redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic', id_token_signed_response_alg: 'ES256',
    }],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => audience,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, indicator) => (indicator === OPAQUE_AUDIENCE
          ? { scope, audience: OPAQUE_AUDIENCE, accessTokenTTL: 900, accessTokenFormat: 'opaque' }
          : {
            scope, audience, accessTokenTTL: 900, accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'ES256' }, encrypt: { alg: 'dir', enc: 'A256GCM', key: encryptionKey } },
          }),
      },
      introspection: { enabled: true },
    },
  };
}

async function main(): Promise<void> {
  const port = Number(env('BENCH_PORT'));
  const provider = new Provider(`http://localhost:${port}`, await configuration());
  provider.proxy = false;
  const server = createServer(provider.callback());
  server.listen(port, '127.0.0.1');
  process.once('SIGTERM', () => { server.closeAllConnections(); server.close(() => process.exit(0)); });
}

main().catch((err: unknown) => {
  process.stderr.write(`bare-provider: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
