import { startUsersWorld, REDIRECT, type UsersWorld } from './setup.js';
import { tokensFor } from './browser.js';
let w: UsersWorld;
beforeAll(async () => { w = await startUsersWorld(); await w.users.add({ username: 'alice', password: 'correct horse' }); });
afterAll(async () => { await w?.t.close(); });
it('signs in', async () => {
  const r = await tokensFor({ config: w.web, redirectUri: REDIRECT, username: 'alice', password: 'correct horse', params: { resource: 'https://api.users.test' } });
  console.log(r.tokens, r.tokens.claims());
  console.log(await w.t.issuer.tokens.open(r.tokens.access_token));
});
