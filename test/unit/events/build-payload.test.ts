/**
 * SET claims per receiver: a revoked token is a `jwt_id` subject and goes only to its
 * audience's receivers; a subject is the pseudonymous handle unless the receiver asked
 * for `iss_sub`; event keys make the same fact idempotent.
 */
import { buildPayload, eventKey, wants } from '../../../src/events/build-payload.js';
import type { Receiver } from '../../../src/events/index.js';
import { EVENT_TYPES, SUPPORTED_EVENT_TYPES } from '../../../src/events/index.js';

const ISS = 'https://issuer.example';
const at = new Date('2026-11-25T00:00:00Z');
const receiver = (over: Partial<Receiver> = {}): Receiver => ({
  id: 'r1', clientId: 'rs', audience: 'https://a.example/api', delivery: 'push', endpointUrl: 'https://a.example/events',
  events: SUPPORTED_EVENT_TYPES, subjectFormat: 'opaque', ...over,
});

describe('buildPayload', () => {
  it('a revoked token is a jwt_id subject and only concerns its audience', () => {
    const event = { type: 'token.revoked' as const, jti: 'j1', aud: 'https://a.example/api', sub: 'alice', occurredAt: at };
    expect(buildPayload(ISS, receiver(), event)).toEqual({
      iss: ISS, aud: 'https://a.example/api', sub_id: { format: 'jwt_id', iss: ISS, jti: 'j1' },
      events: { [EVENT_TYPES.sessionRevoked]: { event_timestamp: at.getTime() / 1000 } },
    });
    expect(wants(receiver(), event)).toBe(true);
    expect(wants(receiver({ audience: 'https://b.example/api' }), event)).toBe(false);
  });

  it('a subject is its pseudonymous handle unless the receiver asked for iss_sub', () => {
    const event = { type: 'subject.revoked' as const, sub: 'alice', handle: 'h-alice', generation: 4, occurredAt: at, initiator: 'admin' as const };
    expect(buildPayload(ISS, receiver(), event)).toMatchObject({
      sub_id: { format: 'opaque', id: 'h-alice' },
      events: { [EVENT_TYPES.sessionRevoked]: { portcullis_generation: 4, initiating_entity: 'admin' } },
    });
    expect(JSON.stringify(buildPayload(ISS, receiver(), event))).not.toContain('"alice"');
    expect(buildPayload(ISS, receiver({ subjectFormat: 'iss_sub' }), event).sub_id).toEqual({ format: 'iss_sub', iss: ISS, sub: 'alice' });
  });

  it('event types map to CAEP and RISC, and receivers get only what they requested', () => {
    const disabled = { type: 'account.disabled' as const, sub: 'bob', handle: 'h-bob', occurredAt: at };
    expect(Object.keys(buildPayload(ISS, receiver(), disabled).events)).toEqual([EVENT_TYPES.accountDisabled]);
    const claims = { type: 'claims.changed' as const, sub: 'bob', handle: 'h-bob', claims: { role: 'reader' }, occurredAt: at };
    expect(buildPayload(ISS, receiver(), claims).events[EVENT_TYPES.tokenClaimsChange]).toMatchObject({ claims: { role: 'reader' } });
    expect(wants(receiver({ events: [EVENT_TYPES.sessionRevoked] }), disabled)).toBe(false);
  });

  it('the same fact has the same key, a different generation a different one', () => {
    const a = { type: 'subject.revoked' as const, handle: 'h', generation: 1, occurredAt: at };
    expect(eventKey(a)).toBe(eventKey({ ...a, occurredAt: new Date() }));
    expect(eventKey(a)).not.toBe(eventKey({ ...a, generation: 2 }));
  });
});
