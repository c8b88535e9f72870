/**
 * Continuous revalidation against the real embedded database: an added evaluator's
 * events are emitted and its state stored (running twice emits once); a removed
 * client's subject generation is bumped and `subject.revoked` emitted; a generation
 * bumped behind the emitter's back is caught by `subject-generations`.
 */
import { pino } from 'pino';
import { addReceiver, type Receiver } from '../../../src/events/index.js';
import { subjectHandle } from '../../../src/keys/index.js';
import { createRevocationService } from '../../../src/revocation/index.js';
import { removedClients, subjectGenerations, type RevalidationEvaluator } from '../../../src/jobs/index.js';
import { revalidateProcessor } from '../../../src/jobs/processors/revalidate.js';
import { deploymentSecret } from '../../../src/keys/index.js';
import { startTestIssuer, type TestIssuer } from '../../support/issuer.js';

const AUDIENCE = 'https://orders.example/api';
let t: TestIssuer;
let receiver: Receiver;
const ctx = { attempt: 1, log: pino({ level: 'silent' }) };

beforeAll(async () => {
  t = await startTestIssuer();
  // a receiver names an existing client and resource server
  await t.addResource({ audience: AUDIENCE, scopes: ['read'], introspector: 'orders-rs' });
  await t.addClient({ id: 'orders-rs', scopes: [], audiences: [] });
  receiver = await addReceiver(t.issuer.db, { clientId: 'orders-rs', audience: AUDIENCE, delivery: 'poll', subjectFormat: 'iss_sub' });
});
afterAll(() => t?.close());

const events = (type: string) => t.issuer.db.prisma.securityEvent.findMany({ where: { receiverId: receiver.id, eventKey: { startsWith: type } } });

it('an added evaluator: its events are emitted once, its state is kept', async () => {
  const seen: unknown[] = [];
  const disabledUsers: RevalidationEvaluator<{ n: number }> = {
    name: 'disabled-users',
    async evaluate({ state }) {
      seen.push(state);
      return { events: [{ type: 'account.disabled', sub: 'carol', occurredAt: new Date('2026-11-25T00:00:00Z') }], state: { n: (state?.n ?? 0) + 1 } };
    },
  };
  const run = revalidateProcessor({ db: t.issuer.db, events: t.issuer.events, evaluators: [disabledUsers] });
  await run({}, ctx);
  await run({}, ctx);
  expect(seen).toEqual([undefined, { n: 1 }]);
  const rows = await events('account.disabled');
  expect(rows).toHaveLength(1);
  expect(rows[0].payload).toMatchObject({ sub_id: { format: 'iss_sub', iss: t.url, sub: 'carol' } });
});

it('a removed client: its generation is bumped and subject.revoked emitted', async () => {
  await t.addClient({ id: 'doomed-client', scopes: [], audiences: [] });
  const pepper = await deploymentSecret(t.issuer.db, t.kek, 'subject-handle');
  const revocation = createRevocationService({ db: t.issuer.db, subjectCacheTtlSec: 0 });
  const subjects = { revokeSubject: (sub: string) => revocation.bumpSubject(subjectHandle(pepper, sub)) };
  const run = revalidateProcessor({ db: t.issuer.db, events: t.issuer.events, evaluators: [removedClients(t.issuer.db, subjects)] });
  await run({}, ctx); // first run: remembers the clients
  await t.issuer.db.prisma.client.delete({ where: { id: 'doomed-client' } });
  await run({}, ctx);
  expect(await revocation.generationForIssuance(subjectHandle(pepper, 'doomed-client'))).toBe(1);
  const rows = await events('subject.revoked');
  expect(rows.map((r) => r.payload)).toContainEqual(expect.objectContaining({ sub_id: { format: 'iss_sub', iss: t.url, sub: 'doomed-client' } }));
});

it('a generation bumped without an emitter is found by subject-generations', async () => {
  let offsetMs = -1000; // the first run is a second before the bump below, whatever the clock's resolution
  const run = revalidateProcessor({ db: t.issuer.db, events: t.issuer.events, evaluators: [subjectGenerations(t.issuer.db)], now: () => new Date(Date.now() + offsetMs) });
  await run({}, ctx);
  const before = (await events('subject.revoked')).length;
  await t.issuer.db.prisma.subjectKey.create({ data: { handle: 'silent-handle', generation: 3 } });
  offsetMs = 0;
  await run({}, ctx);
  await run({}, ctx);
  const rows = await events('subject.revoked');
  expect(rows).toHaveLength(before + 1);
  expect(rows.map((r) => r.payload)).toContainEqual(expect.objectContaining({ sub_id: { format: 'opaque', id: 'silent-handle' } }));
});
