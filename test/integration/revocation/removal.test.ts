/**
 * Removing a client or a resource server is final at once on every process: two
 * issuers on one PostgreSQL schema; a client registered a moment ago gets a token at A,
 * the admin command removes it, and B answers `active: false` on the very next
 * introspection (no revalidation run, no key reload: KEY_RELOAD_INTERVAL is far away),
 * with `subject.revoked` stored for the receivers. Re-registering the id later gives
 * tokens that work again.
 */
import { randomBytes } from 'node:crypto';
import { dropSchema, PG_URL } from '../storage/support.js';
import { commands } from '../../../scripts/admin/commands.js';
import type { AdminContext } from '../../../scripts/admin/context.js';
import { addReceiver } from '../../../src/events/index.js';
import { deploymentSecret, generateKek } from '../../../src/keys/index.js';
import { REMOVAL_MARGIN_MS } from '../../../src/revocation/index.js';
import { startTestIssuer, type TestIssuer } from '../../support/issuer.js';
import { basic, post } from '../../support/clients.js';

const SCHEMA = `t_removal_${randomBytes(4).toString('hex')}`;
const API = 'https://api.removal.test';
const OTHER = 'https://other.removal.test';
let a: TestIssuer;
let b: TestIssuer;
let rsSecret: string;
let admin: AdminContext;

beforeAll(async () => {
  const env = { DATABASE_URL: PG_URL, DATABASE_SCHEMA: SCHEMA, PORTCULLIS_KEK: generateKek(), KEY_RELOAD_INTERVAL: '10m', JOB_REVALIDATE_INTERVAL: '1h' };
  a = await startTestIssuer(env);
  b = await startTestIssuer({ ...env, ISSUER: a.url });
  await a.addResource({ audience: API, scopes: ['read'], introspector: 'rs' });
  await a.addResource({ audience: OTHER, scopes: ['read'], introspector: 'rs' });
  await b.issuer.keys.reload();
  rsSecret = await a.addClient({ id: 'rs', scopes: [], audiences: [] });
  await addReceiver(a.issuer.db, { clientId: 'rs', audience: API, delivery: 'poll' });
  admin = { config: a.config, db: a.issuer.db, kek: a.kek, secret: (n: string) => deploymentSecret(a.issuer.db, a.kek, n), close: async () => {} } as AdminContext;
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  await dropSchema(SCHEMA);
});

async function tokenFor(id: string, secret: string, audience = API): Promise<string> {
  const res = await post(`${a.url}/token`, new URLSearchParams({ grant_type: 'client_credentials', resource: audience, scope: 'read' }), basic(id, secret));
  expect(res.status).toBe(200);
  return res.json!.access_token as string;
}

async function activeAt(t: TestIssuer, token: string): Promise<boolean> {
  const res = await post(`${t.url}/introspect`, new URLSearchParams({ token }), basic('rs', rsSecret));
  expect(res.status).toBe(200);
  return res.json!.active as boolean;
}

const run = (command: string, args: string[]) => commands[command].run(admin, args);

describe('removals', () => {
  it('a client removed right after it was added: its tokens are inactive on every process at once, receivers told', async () => {
    const secret = await a.addClient({ id: 'fresh', scopes: ['read'], audiences: [API, OTHER] });
    const token = await tokenFor('fresh', secret);
    expect(await activeAt(b, token)).toBe(true);
    await run('client remove', ['--id', 'fresh']);
    expect(await activeAt(b, token)).toBe(false);
    expect(await activeAt(a, token)).toBe(false);
    const events = await a.issuer.db.prisma.securityEvent.findMany();
    expect(events.map((e) => JSON.stringify(e.payload))).toEqual(expect.arrayContaining([expect.stringContaining('client removed')]));
  });

  it('a re-registered id gets tokens that work once the removal is behind it', async () => {
    await new Promise((r) => setTimeout(r, REMOVAL_MARGIN_MS + 1000));
    const secret = await a.addClient({ id: 'fresh', scopes: ['read'], audiences: [API] });
    expect(await activeAt(b, await tokenFor('fresh', secret))).toBe(true);
  });

  it('a resource server removed: its tokens are inactive on every process at once, before any key reload', async () => {
    const secret = await a.addClient({ id: 'svc', scopes: ['read'], audiences: [OTHER] });
    const token = await tokenFor('svc', secret, OTHER);
    expect(await activeAt(b, token)).toBe(true);
    await run('resource remove', ['--audience', OTHER]);
    expect(await activeAt(b, token)).toBe(false);
    expect(await activeAt(a, token)).toBe(false);
  });
});
