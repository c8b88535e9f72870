/**
 * The upstream seams. Portcullis relies on a few oidc-provider behaviours and replaces
 * three internals (src/oidc/seams.ts); each case here pins one of them, so that an
 * oidc-provider upgrade that changes it fails with the name of what changed. The first
 * group asks a bare oidc-provider (no Portcullis code); the second asks the issuer.
 */
import { createServer, type Server } from 'node:http';
import { createRemoteJWKSet, decodeJwt, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import Koa from 'koa';
import mount from 'koa-mount';
import Provider, { type Configuration } from 'oidc-provider';
import { UPSTREAM_SEAMS } from '../../../src/oidc/index.js';
import { basic, headersOf, post } from '../../support/clients.js';
import { startTestIssuer, type TestIssuer } from '../../support/issuer.js';
import { dpopKey, dpopProof } from '../../support/binding.js';

const API = 'https://api.seams.test';

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
}

describe('oidc-provider on its own', () => {
  let server: Server;
  let url: string;
  const found: unknown[] = [];
  const state: unknown[] = [];

  beforeAll(async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const signingJwk = { ...(await exportJWK(privateKey)), kid: 'k', alg: 'ES256', use: 'sig' };
    const memory = new Map<string, unknown>();
    const configuration: Configuration = {
      jwks: { keys: [signingJwk as never] },
      clients: [{ client_id: 'rs', client_secret: 'rs-secret-0123456789-0123456789-0123', grant_types: ['client_credentials'], response_types: [], redirect_uris: [], id_token_signed_response_alg: 'ES256', introspection_signed_response_alg: 'ES256' }],
      adapter: class {
        constructor(private readonly name: string) {}
        async upsert(id: string, payload: unknown) { memory.set(`${this.name}:${id}`, payload); }
        async find(id: string) {
          if (this.name === 'ClientCredentials') { found.push(id); state.push((Provider.ctx?.state as { seen?: string } | undefined)?.seen); }
          return memory.get(`${this.name}:${id}`);
        }
        async destroy(id: string) { memory.delete(`${this.name}:${id}`); }
        async consume() {}
        async findByUid() { return undefined; }
        async findByUserCode() { return undefined; }
        async revokeByGrantId() {}
      } as never,
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        jwtIntrospection: { enabled: true },
        introspection: {
          enabled: true,
          // the step-up answer's shape: the policy sets the body, then refuses
          allowedPolicy: async (ctx) => { ctx.body = { active: false, step_up: { error: 'insufficient_user_authentication', acr_values: 'x' } }; return false; },
        },
      },
    };
    const provider = new Provider('http://127.0.0.1', configuration);
    // mounted on an outer Koa app that parsed the form first, as Portcullis's HTTP app does
    const app = new Koa();
    app.use(async (ctx, next) => {
      ctx.state.seen = 'outer';
      if (ctx.path === '/token/introspection') {
        const chunks: Buffer[] = [];
        for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
        (ctx.request as { body?: unknown }).body = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
      }
      await next();
    });
    app.use(mount(provider));
    ({ server, url } = await listen(app.callback()));
  });
  afterAll(async () => { await new Promise((resolve) => server?.close(resolve)); });

  async function opaqueToken(): Promise<string> {
    const res = await post(`${url}/token`, new URLSearchParams({ grant_type: 'client_credentials' }), basic('rs', 'rs-secret-0123456789-0123456789-0123'));
    return res.json?.access_token as string;
  }

  it("looks an opaque token up in the adapter by the value presented, within the outer app's request context (Provider.ctx)", async () => {
    const token = await opaqueToken();
    found.length = 0;
    state.length = 0;
    await post(`${url}/token/introspection`, new URLSearchParams({ token }), basic('rs', 'rs-secret-0123456789-0123456789-0123'));
    expect(found).toContain(token);
    expect(state).toContain('outer');
  });

  it('takes the form an outer parser left on ctx.request.body', async () => {
    const res = await post(`${url}/token/introspection`, new URLSearchParams({ token: await opaqueToken() }), basic('rs', 'rs-secret-0123456789-0123456789-0123'));
    expect(res.status).toBe(200); // not "failed to parse the request body": the stream was read by the outer app
  });

  it('answers the body an allowedPolicy left when it refuses, as JSON and signed (RFC 9701)', async () => {
    const token = await opaqueToken();
    const json = await post(`${url}/token/introspection`, new URLSearchParams({ token }), basic('rs', 'rs-secret-0123456789-0123456789-0123'));
    expect(json.json).toEqual({ active: false, step_up: { error: 'insufficient_user_authentication', acr_values: 'x' } });
    const jwt = await post(`${url}/token/introspection`, new URLSearchParams({ token }), { ...basic('rs', 'rs-secret-0123456789-0123456789-0123'), accept: 'application/token-introspection+jwt' });
    expect(decodeJwt(jwt.text).token_introspection).toEqual(json.json);
  });
});

describe('the internals Portcullis replaces, and what it relies on in the issuer', () => {
  let t: TestIssuer;
  let secret: string;
  beforeAll(async () => {
    t = await startTestIssuer();
    await t.addResource({ audience: API, scopes: ['read'], introspector: 'rs' });
    secret = await t.addClient({ id: 'svc', scopes: ['read'], audiences: [API] });
  });
  afterAll(async () => { await t?.close(); });

  it('names every replaced internal this oidc-provider lacks', async () => {
    const { checkUpstreamSeams } = await import('../../../src/oidc/seams.js');
    expect(() => checkUpstreamSeams(t.issuer.oidc.provider())).not.toThrow();
    const lacking = { AccessToken: { prototype: {} }, ClientCredentials: { prototype: { getValueAndPayload() {} } }, Client: { prototype: {} } };
    expect(() => checkUpstreamSeams(lacking as never)).toThrow(/no longer has AccessToken\.prototype\.getValueAndPayload, Client\.prototype\.compareClientSecret, which Portcullis replaces/);
    expect(UPSTREAM_SEAMS.map((s) => s.name)).toEqual(['AccessToken.prototype.getValueAndPayload', 'ClientCredentials.prototype.getValueAndPayload', 'Client.prototype.compareClientSecret']);
  });

  it('getValueAndPayload: an issued access token is a nested token, and nothing of it is stored', async () => {
    const res = await post(`${t.url}/token`, new URLSearchParams({ grant_type: 'client_credentials', resource: API, scope: 'read' }), basic('svc', secret));
    const { outer, inner } = headersOf(res.json?.access_token as string);
    expect(outer.typ).toBe('portcullis-at+jwt');
    expect(inner.enc).toBe('A256GCM');
    expect(await t.issuer.db.prisma.oidcPayload.count({ where: { model: { in: ['AccessToken', 'ClientCredentials'] } } })).toBe(0);
  });

  it('compareClientSecret: a client authenticates against a stored keyed hash, not the secret', async () => {
    const row = await t.issuer.db.prisma.client.findUnique({ where: { id: 'svc' } });
    expect(JSON.stringify(row?.metadata)).not.toContain(secret);
    expect((await post(`${t.url}/token`, new URLSearchParams({ grant_type: 'client_credentials', resource: API }), basic('svc', secret))).status).toBe(200);
    expect((await post(`${t.url}/token`, new URLSearchParams({ grant_type: 'client_credentials', resource: API }), basic('svc', `${secret}x`))).status).toBe(401);
  });

  it('a DPoP proof replayed at /token is found in the replay store and reported to the risk engine', async () => {
    const key = await dpopKey();
    const proof = await dpopProof(key, { htm: 'POST', htu: `${t.url}/token` });
    const grant = new URLSearchParams({ grant_type: 'client_credentials', resource: API, scope: 'read' });
    expect((await post(`${t.url}/token`, grant, { ...basic('svc', secret), dpop: proof })).status).toBe(200);
    const replayed = await post(`${t.url}/token`, grant, { ...basic('svc', secret), dpop: proof });
    expect([replayed.status, replayed.json?.error]).toEqual([400, 'invalid_grant']);
    expect(await t.issuer.db.prisma.riskEvent.count({ where: { kind: 'signal', name: 'dpop_replay', clientId: 'svc' } })).toBe(1);
  });

  it('signs introspection answers with a key of the JWKS (the provider follows the current signing key)', async () => {
    const rs = await t.addClient({ id: 'rs', scopes: [], audiences: [] });
    const token = (await post(`${t.url}/token`, new URLSearchParams({ grant_type: 'client_credentials', resource: API, scope: 'read' }), basic('svc', secret))).json?.access_token as string;
    const res = await post(`${t.url}/introspect`, new URLSearchParams({ token }), { ...basic('rs', rs), accept: 'application/token-introspection+jwt' });
    const { payload } = await jwtVerify(res.text, createRemoteJWKSet(new URL(`${t.url}/jwks`)), { issuer: t.url });
    expect(payload.token_introspection).toMatchObject({ active: true, client_id: 'svc' });
  });
});
