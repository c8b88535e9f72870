/**
 * Event receivers (OpenID SSF 1.0 §8.1.1 stream configuration): one per resource
 * server that wants events, with its delivery method, endpoint, requested event types
 * and audience. The admin CLI and the management endpoint use these functions.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../storage/index.js';
import { registeredEndpointProblem, type OutboundPolicy } from '../outbound/index.js';
import { RegistryRefusal } from '../registry/index.js';
import { SUPPORTED_EVENT_TYPES } from './types.js';

export const PUSH = 'urn:ietf:rfc:8935';
export const POLL = 'urn:ietf:rfc:8936';

export interface ReceiverInput {
  clientId: string;
  audience: string;
  delivery: 'push' | 'poll';
  endpointUrl?: string;
  events?: string[];
  subjectFormat?: 'iss_sub' | 'opaque';
}

export interface Receiver {
  id: string;
  clientId: string;
  audience: string;
  delivery: 'push' | 'poll';
  endpointUrl: string | null;
  events: string[];
  subjectFormat: 'iss_sub' | 'opaque';
}

/** Validates input; returns the problem in one line, or undefined. */
export function receiverProblem(input: ReceiverInput): string | undefined {
  if (!/^[A-Za-z0-9._~-]{1,128}$/.test(input.clientId)) return 'client id must be 1-128 characters of A-Z a-z 0-9 . _ ~ -';
  if (!isUrl(input.audience, /^[a-z][a-z0-9+.-]*:$/)) return 'audience must be an absolute URI';
  if (input.delivery !== 'push' && input.delivery !== 'poll') return 'delivery must be push or poll';
  if (input.delivery === 'push' && !isUrl(input.endpointUrl, /^https?:$/)) return 'push delivery needs an http(s) endpoint URL';
  if (input.delivery === 'poll' && input.endpointUrl) return 'poll delivery takes no endpoint URL';
  const unknown = (input.events ?? []).find((e) => !SUPPORTED_EVENT_TYPES.includes(e));
  if (unknown) return `unsupported event type ${unknown}`;
  if (input.subjectFormat && !['iss_sub', 'opaque'].includes(input.subjectFormat)) return 'subject format must be iss_sub or opaque';
  return undefined;
}

function isUrl(value: string | undefined, protocol: RegExp): boolean {
  if (!value || value.length > 2048) return false;
  try {
    const u = new URL(value);
    return protocol.test(u.protocol) && !u.hash;
  } catch {
    return false;
  }
}

/**
 * Registers a receiver; returns it with its stream id. With `outbound`, a push endpoint
 * the outbound policy would refuse is refused now (RegistryRefusal).
 */
export async function addReceiver(db: Database, input: ReceiverInput, outbound?: OutboundPolicy): Promise<Receiver> {
  const problem = receiverProblem(input);
  if (problem) throw new TypeError(problem);
  // where the issuer will push (connections are checked again when they are made)
  const where = outbound && input.endpointUrl ? await registeredEndpointProblem(outbound, input.endpointUrl) : undefined;
  if (where) throw new RegistryRefusal(where);
  // events name subjects of one audience to one client: both must exist
  if (!await db.prisma.client.findUnique({ where: { id: input.clientId }, select: { id: true } })) throw new RegistryRefusal(`no client ${input.clientId}`);
  if (!await db.prisma.resourceServer.findUnique({ where: { audience: input.audience }, select: { audience: true } })) throw new RegistryRefusal(`audience ${input.audience} is not a registered resource server`);
  const row = await db.prisma.eventReceiver.create({
    data: {
      id: randomUUID(), clientId: input.clientId, audience: input.audience, delivery: input.delivery,
      endpointUrl: input.endpointUrl ?? null, events: input.events?.length ? input.events : SUPPORTED_EVENT_TYPES,
      subjectFormat: input.subjectFormat ?? 'opaque',
    },
  });
  return asReceiver(row);
}

/** All receivers (optionally only those of one client). */
export async function listReceivers(db: Database, clientId?: string): Promise<Receiver[]> {
  const rows = await db.prisma.eventReceiver.findMany({ where: clientId ? { clientId } : {}, orderBy: { createdAt: 'asc' } });
  return rows.map(asReceiver);
}

/** Removes a receiver and its undelivered events; false when there was none. */
export async function removeReceiver(db: Database, id: string): Promise<boolean> {
  const [, { count }] = await db.prisma.$transaction([
    db.prisma.securityEvent.deleteMany({ where: { receiverId: id } }),
    db.prisma.eventReceiver.deleteMany({ where: { id } }),
  ]);
  return count > 0;
}

function asReceiver(row: { id: string; clientId: string; audience: string; delivery: string; endpointUrl: string | null; events: string[]; subjectFormat: string }): Receiver {
  return { ...row, delivery: row.delivery as Receiver['delivery'], subjectFormat: row.subjectFormat as Receiver['subjectFormat'] };
}
