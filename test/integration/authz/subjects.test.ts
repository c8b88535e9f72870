/**
 * Whose permissions a token gets, against the real database: user-delegated tokens
 * (oidc-provider AccessToken with an accountId) get the user's roles plus the user's
 * direct grants, client_credentials tokens the client's; a user and a client with the
 * same id never share grants. The user login flow that issues such tokens over HTTP
 * comes with the user work; this drives the same configuration functions directly.
 */
import { addRole, assignRole } from '../../../src/authz/index.js';
import { createAuthzConfiguration } from '../../../src/oidc/index.js';
import { startTestIssuer, type TestIssuer } from '../../support/issuer.js';

let t: TestIssuer;

beforeAll(async () => {
  t = await startTestIssuer();
  await t.addClient({ id: 'app', scopes: [], audiences: [] });
  await t.addClient({ id: 'alice', scopes: [], audiences: [] });
  await addRole(t.issuer.db, 'reader', ['ledger:read']);
  await addRole(t.issuer.db, 'poster', ['ledger:post', 'orders:create']);
  await assignRole(t.issuer.db, { kind: 'user', id: 'alice' }, 'reader');
  await assignRole(t.issuer.db, { kind: 'client', id: 'app' }, 'poster');
});

afterAll(async () => { await t?.close(); });

const claims = (authz: ReturnType<typeof createAuthzConfiguration>, token: Record<string, unknown>) => authz.extraTokenClaims({}, token);

it("a user-delegated token carries the user's permissions, not the client's", async () => {
  const authz = createAuthzConfiguration({ db: t.issuer.db });
  expect(await claims(authz, { kind: 'AccessToken', accountId: 'alice', clientId: 'app', scope: 'ledger orders' })).toEqual({ permissions: ['ledger:read'] });
  expect(await claims(authz, { kind: 'ClientCredentials', clientId: 'app', scope: 'ledger orders' })).toEqual({ permissions: ['ledger:post', 'orders:create'] });
});

it('a client whose id equals a user id does not get the user\'s grants', async () => {
  const authz = createAuthzConfiguration({ db: t.issuer.db });
  expect(await claims(authz, { kind: 'ClientCredentials', clientId: 'alice', scope: 'ledger' })).toEqual({ permissions: [] });
});

it("direct grants (a user's own permissions) join the roles', narrowed to scope the same way", async () => {
  const asked: unknown[] = [];
  const authz = createAuthzConfiguration({ db: t.issuer.db, directPermissions: async (s) => { asked.push(s); return s.id === 'alice' ? ['orders:approve', 'bad:*', 'ledger:read'] : []; } });
  expect(await claims(authz, { kind: 'AccessToken', accountId: 'alice', clientId: 'app', scope: 'ledger orders:approve' })).toEqual({ permissions: ['ledger:read', 'orders:approve'] });
  expect(await claims(authz, { kind: 'AccessToken', accountId: 'alice', clientId: 'app', scope: 'ledger' })).toEqual({ permissions: ['ledger:read'] });
  // the second token came from the cache: one lookup for the subject
  expect(asked).toEqual([{ kind: 'user', id: 'alice' }]);
});

describe('authorization details inherited from a grant (authorization code, refresh token)', () => {
  const API = 'https://ledger.subjects.test';
  const read = { type: 'document_access', actions: ['read'] };
  const write = { type: 'document_access', actions: ['write'], locations: [API] };
  const elsewhere = { type: 'document_access', actions: ['read'], locations: ['https://other.subjects.test'] };

  it("keep only what the user still holds, at this token's audience", async () => {
    await addRole(t.issuer.db, 'doc-reader', ['documents:read']);
    await assignRole(t.issuer.db, { kind: 'user', id: 'bob' }, 'doc-reader');
    const { richAuthorizationRequests: rar } = createAuthzConfiguration({ db: t.issuer.db });
    const token = { kind: 'AccessToken', accountId: 'bob', clientId: 'app', resourceServer: { audience: API } };
    const ctx = { oidc: { params: {} } } as never;
    expect(await rar.authorizationDetailsForAccessToken(ctx, token, { rar: [read, write, elsewhere] } as never)).toEqual([read]);
    expect(await rar.authorizationDetailsForAccessToken(ctx, token, {} as never)).toBeUndefined();
  });
});
