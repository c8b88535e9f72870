/**
 * Authz writes on a PostgreSQL cluster database (a unique schema): concurrent admin
 * changes to one role all land (no lost update under serializable transactions), each
 * recorded once, and tokens of a client holding the role see the result.
 */
import * as client from 'openid-client';
import { addRole, assignRole, grantToRole, listChanges } from '../../../src/authz/index.js';
import { generateKek } from '../../../src/keys/index.js';
import { startTestIssuer, type TestIssuer } from '../../support/issuer.js';
import { discover } from '../../support/clients.js';
import { testClock } from '../../support/clock.js';
import { dropSchema, PG_URL, uniqueSchema } from '../storage/support.js';

const API = 'https://api.authz-cluster.test';
const SCHEMA = uniqueSchema('authz');
const clock = testClock();
let t: TestIssuer;

beforeAll(async () => {
  t = await startTestIssuer({ DATABASE_URL: PG_URL, DATABASE_SCHEMA: SCHEMA, PORTCULLIS_KEK: generateKek() }, { now: clock.now });
  await t.addResource({ audience: API, scopes: ['ledger'] });
});

afterAll(async () => {
  await t?.close();
  await dropSchema(SCHEMA);
});

it('eight concurrent grants to one role all land, each recorded once', async () => {
  const secret = await t.addClient({ id: 'svc', scopes: ['ledger'], audiences: [API] });
  await addRole(t.issuer.db, 'ops', ['ledger:read']);
  await assignRole(t.issuer.db, { kind: 'client', id: 'svc' }, 'ops');
  const added = Array.from({ length: 8 }, (_, i) => `ledger:op${i}`);
  await Promise.all(added.map((p) => grantToRole(t.issuer.db, 'ops', [p])));
  const role = await t.issuer.db.prisma.role.findUnique({ where: { name: 'ops' } });
  expect(role!.permissions.split(' ').sort()).toEqual(['ledger:read', ...added].sort());
  const granted = (await listChanges(t.issuer.db)).filter((c) => c.change === 'role.granted');
  expect(granted.map((c) => c.detail.permissions![0]).sort()).toEqual([...added].sort());
  clock.advance(1001); // past the grants remembered for a second
  const config = await discover(t.url, 'svc', secret);
  const token = await client.clientCredentialsGrant(config, { resource: API, scope: 'ledger' });
  expect((await client.tokenIntrospection(config, token.access_token)).permissions).toEqual(['ledger:read', ...added].sort());
});
