/**
 * A consent screen a person can read: the client's registered name, logo, privacy
 * policy and terms; each resource server by its registered name with a sentence per
 * scope; who is signed in, with "Not you?" (the same request with prompt=login); Allow
 * and Deny as equal buttons, neither focused first. Hostile registration text is
 * refused or escaped.
 */
import * as client from 'openid-client';
import { addClient, saveResource, clientProblem, resourceProblem } from '../../../src/registry/index.js';
import { deploymentSecret, createMaster } from '../../../src/keys/index.js';
import { Browser } from './browser.js';
import { startUsersWorld, type UsersWorld } from './setup.js';

const PASSWORD = 'correct horse battery';
const SHOP_API = 'https://orders.example';
const CALLBACK = 'https://shop.example/callback';
let w: UsersWorld;
let shop: client.Configuration;

beforeAll(async () => {
  w = await startUsersWorld();
  await w.users.add({ username: 'nina', password: PASSWORD });
  const { db } = w.t.issuer;
  await createMaster({ db, kek: w.t.kek, audience: SHOP_API });
  await saveResource(db, { audience: SHOP_API, scopes: ['orders:read', 'orders:write'], accessTokenTtl: 300, name: 'Orders <& Co>', scopeDescriptions: { 'orders:read': 'See your orders and their delivery status' } });
  await w.t.issuer.keys.reload();
  await addClient(db, await deploymentSecret(db, w.t.kek, 'client-secret'), {
    id: 'shop', public: true, grants: ['authorization_code'], scopes: ['orders:read', 'orders:write'], audiences: [SHOP_API], redirectUris: [CALLBACK],
    name: 'Corner Shop', logoUri: 'https://shop.example/logo.png', policyUri: 'https://shop.example/privacy', tosUri: 'https://shop.example/terms',
  });
  shop = await client.discovery(new URL(w.t.url), 'shop', {}, client.None(), { execute: [client.allowInsecureRequests] });
});
afterAll(async () => { await w?.t.close(); });

async function consentFor(browser: Browser) {
  const url = client.buildAuthorizationUrl(shop, { redirect_uri: CALLBACK, scope: 'openid orders:read orders:write', resource: SHOP_API, state: 's1', code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
  const login = await browser.follow(url.href, CALLBACK);
  return browser.submit(login, { username: 'nina', password: PASSWORD }, CALLBACK);
}

it('names the client, its policy and terms, the resource server and each scope in words; says who is signed in', async () => {
  const page = await consentFor(new Browser());
  expect(page.html).toContain('<strong>Corner Shop</strong> asks to:');
  expect(page.html).toContain('<img src="https://shop.example/logo.png" alt="" width="48" height="48" class="logo">');
  expect(page.html).toContain('<h2>Orders &#60;&#38; Co&#62;</h2>');
  expect(page.html).toContain('<li>See your orders and their delivery status</li>');
  expect(page.html).toContain('<li>orders:write</li>'); // no sentence registered: the scope itself
  expect(page.html).toContain('<li>Know that it is you (your account identifier)</li>');
  expect(page.html).toContain('href="https://shop.example/privacy">privacy policy</a>');
  expect(page.html).toContain('href="https://shop.example/terms">terms</a>');
  expect(page.html).toContain('Signed in as <strong>nina</strong>.');
});

it('Allow and Deny are equal buttons and neither takes the focus', async () => {
  const page = await consentFor(new Browser());
  const buttons = [...page.html.matchAll(/<button([^>]*)>(Allow|Deny)<\/button>/g)];
  expect(buttons.map((b) => b[2])).toEqual(['Allow', 'Deny']);
  for (const [, attrs] of buttons) {
    expect(attrs).not.toContain('autofocus');
    expect(attrs).not.toContain('class=');
  }
  expect(page.html).not.toContain('autofocus');
});

it('"Not you?" asks the same request again with prompt=login, and another person can sign in', async () => {
  const browser = new Browser();
  const page = await consentFor(browser);
  const link = /<a href="([^"]+)">Not you\?<\/a>/.exec(page.html)![1].replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c)));
  const target = new URL(link, w.t.url);
  expect(target.pathname).toBe('/auth');
  expect(Object.fromEntries(target.searchParams)).toMatchObject({ client_id: 'shop', prompt: 'login', state: 's1', resource: SHOP_API, redirect_uri: CALLBACK });
  const again = await browser.follow(target.href, CALLBACK);
  expect(again.html).toContain('name="password"');
  await w.users.add({ username: 'otto', password: PASSWORD });
  let asOtto = await browser.submit(again, { username: 'otto', password: PASSWORD }, CALLBACK);
  // oidc-provider ends nina's session first, with a form a browser posts by itself (or, without JavaScript, with its Continue button)
  if (asOtto.html.includes('<button autofocus type="submit">Continue</button>')) {
    const action = /<form method="post" action="([^"]+)"/.exec(asOtto.html)![1];
    const fields = Object.fromEntries([...asOtto.html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g)].map((m) => [m[1], m[2]]));
    const posted = await browser.request(action, { method: 'POST', body: new URLSearchParams(fields), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    asOtto = await browser.follow(posted.location!, CALLBACK);
  }
  expect(asOtto.html).toContain('Signed in as <strong>otto</strong>.');
});

it('refuses registration text that is not fit to show, and logos that are not https', () => {
  const base = { id: 'x', grants: ['authorization_code'], scopes: [], audiences: [], redirectUris: [CALLBACK] };
  expect(clientProblem({ ...base, name: 'bad\u0000name' })).toMatch(/name/);
  expect(clientProblem({ ...base, logoUri: 'javascript:alert(1)' })).toMatch(/https/);
  expect(clientProblem({ ...base, logoUri: 'http://shop.example/logo.png' })).toMatch(/https/);
  expect(resourceProblem({ audience: SHOP_API, scopes: ['a'], accessTokenTtl: 300, scopeDescriptions: { b: 'x' } })).toMatch(/does not have/);
  expect(resourceProblem({ audience: SHOP_API, scopes: ['a'], accessTokenTtl: 300, scopeDescriptions: { a: 'x'.repeat(201) } })).toMatch(/1-200/);
});
