/**
 * RFC 9396 Rich Authorization Requests at /token with client_credentials, over real
 * HTTP: valid details (openid-client sends them) come back in the token response,
 * inside the token as `authorization_details` and from introspection; invalid or
 * unpermitted details are refused with 400 invalid_authorization_details, never a
 * 5xx, never echoing request text, and nothing is issued.
 */
import * as client from 'openid-client';
import { addRole, assignRole } from '../../../src/authz/index.js';
import { startTestIssuer, leaksInternals, serverErrors, type TestIssuer } from '../../support/issuer.js';
import { basic, discover, get, post, type RawResponse } from '../../support/clients.js';

const API = 'https://docs.rar.test';
const OTHER = 'https://other.rar.test';
let t: TestIssuer;
let secret: string;
let config: client.Configuration;

const doc = (extra: Record<string, unknown> = {}) => ({ type: 'document_access', actions: ['read'], locations: [API], identifier: 'report-2026', ...extra });
const payment = (extra: Record<string, unknown> = {}) => ({
  type: 'payment_initiation', instructedAmount: { currency: 'EUR', amount: '123.50' }, creditorName: 'Merchant A',
  creditorAccount: { iban: 'DE02100100109307118603' }, ...extra,
});

beforeAll(async () => {
  t = await startTestIssuer();
  await t.addResource({ audience: API, scopes: ['documents'], introspector: 'docs-rs' });
  await t.addClient({ id: 'docs-rs', scopes: [], audiences: [], secret: 'r'.repeat(40) });
  await t.addResource({ audience: OTHER, scopes: ['documents'] });
  secret = await t.addClient({ id: 'svc', scopes: ['documents'], audiences: [API, OTHER] });
  await t.addClient({ id: 'nobody', scopes: ['documents'], audiences: [API], secret: 'n'.repeat(40) });
  config = await discover(t.url, 'svc', secret);
  await addRole(t.issuer.db, 'editor', ['documents:read', 'documents:write', 'payments:initiate']);
  await assignRole(t.issuer.db, { kind: 'client', id: 'svc' }, 'editor');
});

afterAll(async () => {
  expect(serverErrors(t.logs)).toEqual([]);
  await t?.close();
});

function tokenRequest(details: unknown, extra: Record<string, string> = {}, as: [string, string] = ['svc', secret]): Promise<RawResponse> {
  const body = new URLSearchParams({ grant_type: 'client_credentials', resource: API, scope: 'documents', ...extra });
  if (details !== undefined) body.set('authorization_details', typeof details === 'string' ? details : JSON.stringify(details));
  return post(`${t.url}/token`, body, basic(...as));
}

describe('valid authorization details', () => {
  it('discovery lists the supported types', async () => {
    const res = await get(`${t.url}/.well-known/oauth-authorization-server`);
    expect(res.json?.authorization_details_types_supported).toEqual(['document_access', 'payment_initiation']);
  });

  it('document_access: in the token response, the token, and introspection', async () => {
    const details = [doc({ actions: ['read', 'write'], datatypes: ['pdf'] })];
    const res = await client.clientCredentialsGrant(config, { resource: API, scope: 'documents', authorization_details: JSON.stringify(details) });
    expect(res.authorization_details).toEqual(details);
    const opened = await t.issuer.tokens.open(res.access_token);
    expect(opened!.claims.authorization_details).toEqual(details);
    const introspected = await client.tokenIntrospection(config, res.access_token);
    expect(introspected).toMatchObject({ active: true, authorization_details: details, permissions: ['documents:read', 'documents:write'] });
  });

  it("the resource server's introspector sees the same permissions and details", async () => {
    const details = [doc()];
    const res = await client.clientCredentialsGrant(config, { resource: API, scope: 'documents', authorization_details: JSON.stringify(details) });
    const rs = await discover(t.url, 'docs-rs', 'r'.repeat(40));
    expect(await client.tokenIntrospection(rs, res.access_token)).toMatchObject({
      active: true, client_id: 'svc', aud: API, authorization_details: details, permissions: ['documents:read', 'documents:write'],
    });
  });

  it('payment_initiation and document_access together', async () => {
    const details = [payment({ remittanceInformationUnstructured: 'Ref 42' }), doc()];
    const res = await tokenRequest(details);
    expect(res.status).toBe(200);
    expect(res.json?.authorization_details).toEqual(details);
    const introspected = await client.tokenIntrospection(config, res.json!.access_token as string);
    expect(introspected.authorization_details).toEqual(details);
  });

  it('a token without authorization details has no such claim, and introspection none either', async () => {
    const res = await client.clientCredentialsGrant(config, { resource: API, scope: 'documents' });
    expect(res.authorization_details).toBeUndefined();
    expect((await t.issuer.tokens.open(res.access_token))!.claims).not.toHaveProperty('authorization_details');
    expect(await client.tokenIntrospection(config, res.access_token)).not.toHaveProperty('authorization_details');
  });
});

describe('invalid or unpermitted authorization details: 400 invalid_authorization_details', () => {
  const MARK = 'zz-hostile-marker-zz';
  const cases: Array<[string, unknown]> = [
    ['not JSON', '[{"type":'],
    ['not an array', doc()],
    ['a member that is not an object', [doc(), 'read']],
    ['an unknown type', [{ type: MARK, actions: ['read'] }]],
    ['a missing type', [{ actions: ['read'] }]],
    ['an unknown action', [doc({ actions: [MARK] })]],
    ['no actions', [doc({ actions: [] })]],
    ['duplicate actions', [doc({ actions: ['read', 'read'] })]],
    ['actions not an array', [doc({ actions: 'read' })]],
    ['an unknown member', [doc({ [MARK]: true })]],
    ['a __proto__ member', `[{"type":"document_access","actions":["read"],"__proto__":{"${MARK}":1}}]`],
    ['a location that is not an absolute URI', [doc({ locations: [MARK] })]],
    ['a location at another resource server', [doc({ locations: [OTHER] })]],
    ['an identifier with control characters', [doc({ identifier: `a\u0000${MARK}` })]],
    ['an identifier of 257 characters', [doc({ identifier: 'x'.repeat(257) })]],
    ['a nested object where a string belongs', [doc({ identifier: { $ne: MARK } })]],
    ['a negative amount', [payment({ instructedAmount: { currency: 'EUR', amount: '-5' } })]],
    ['a zero amount', [payment({ instructedAmount: { currency: 'EUR', amount: '0.00' } })]],
    ['an amount in exponent form', [payment({ instructedAmount: { currency: 'EUR', amount: '1e9' } })]],
    ['a bad currency', [payment({ instructedAmount: { currency: 'euro', amount: '1' } })]],
    ['a bad IBAN', [payment({ creditorAccount: { iban: MARK } })]],
    ['an extra member inside instructedAmount', [payment({ instructedAmount: { currency: 'EUR', amount: '1', [MARK]: 1 } })]],
    ['eleven details', Array.from({ length: 11 }, () => doc())],
    ['a deeply nested array', [doc({ datatypes: JSON.parse('['.repeat(200) + ']'.repeat(200)) })]],
    ['an action the client holds no permission for (delete)', [doc({ actions: ['read', 'delete'] })]],
  ];

  it.each(cases)('%s', async (_name, details) => {
    const res = await tokenRequest(details);
    expect(res.status).toBe(400);
    expect(res.json?.error).toBe('invalid_authorization_details');
    expect(typeof res.json?.error_description).toBe('string');
    expect(res.text).not.toContain(MARK);
    expect(res.json).not.toHaveProperty('access_token');
    expect(leaksInternals(res.text)).toBe(false);
  });

  it('a client that holds no permissions cannot get any detail', async () => {
    const res = await tokenRequest([doc()], {}, ['nobody', 'n'.repeat(40)]);
    expect(res).toMatchObject({ status: 400, json: { error: 'invalid_authorization_details' } });
    // control: the same client gets a plain token
    expect((await tokenRequest(undefined, {}, ['nobody', 'n'.repeat(40)])).status).toBe(200);
  });

  it('a detail granted to the client still cannot name another resource in locations', async () => {
    const res = await tokenRequest([doc({ locations: [API, OTHER] })]);
    expect(res).toMatchObject({ status: 400, json: { error: 'invalid_authorization_details' } });
    // control: the same detail for the other resource, requested there, is granted
    expect((await tokenRequest([doc({ locations: [OTHER] })], { resource: OTHER })).status).toBe(200);
  });
});
