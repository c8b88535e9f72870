/**
 * `npm run demo:api`: the demo resource server (scripts/demo-api/app.ts).
 * Environment:
 *   PORTCULLIS_ISSUER          issuer identifier (default http://localhost:3000)
 *   PORTCULLIS_AUDIENCE        this API's audience, as registered with `resource add`
 *   PORTCULLIS_OPENING_SECRET  the opening secret `resource add` printed (local mode)
 *   PORTCULLIS_CLIENT_ID / PORTCULLIS_CLIENT_SECRET
 *                              introspection mode, when there is no opening secret
 *   DEMO_API_PORT              default: the audience's port (4000 for http://localhost:4000)
 *   DEMO_API_ORIGIN            public origin (default http://localhost:<port>)
 */
import { createServer } from 'node:http';
import { createIntrospectionVerifier, createVerifier, type Verifier } from '@portcullis/sdk';
import { createDemoApi } from './demo-api/app.js';

function verifierFrom(env: NodeJS.ProcessEnv, issuer: string, audience: string): Verifier {
  if (env.PORTCULLIS_OPENING_SECRET) return createVerifier({ issuer, audience, openingSecret: env.PORTCULLIS_OPENING_SECRET });
  if (env.PORTCULLIS_CLIENT_ID && env.PORTCULLIS_CLIENT_SECRET) {
    return createIntrospectionVerifier({ issuer, audience, clientId: env.PORTCULLIS_CLIENT_ID, clientSecret: env.PORTCULLIS_CLIENT_SECRET });
  }
  throw new TypeError('set PORTCULLIS_OPENING_SECRET, or PORTCULLIS_CLIENT_ID and PORTCULLIS_CLIENT_SECRET');
}

function main(env: NodeJS.ProcessEnv): void {
  const issuer = env.PORTCULLIS_ISSUER ?? 'http://localhost:3000';
  const audience = env.PORTCULLIS_AUDIENCE;
  if (!audience) throw new TypeError('set PORTCULLIS_AUDIENCE to the audience registered with `resource add`');
  const port = Number(env.DEMO_API_PORT ?? (URL.parse(audience)?.port || 4000));
  const publicOrigin = env.DEMO_API_ORIGIN ?? `http://localhost:${port}`;
  const app = createDemoApi({ verifier: verifierFrom(env, issuer, audience), audience, publicOrigin });
  createServer(app.callback()).listen(port, '127.0.0.1', () => {
    process.stdout.write(`demo API for ${audience} listening on ${publicOrigin} (GET /me, /reports, /documents/<id>)\n`);
  });
}

try {
  main(process.env);
} catch (err) {
  process.stderr.write(`demo-api: ${(err as Error).message}\n`);
  process.exit(2);
}
