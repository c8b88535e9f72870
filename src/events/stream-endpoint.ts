/**
 * Stream management (OpenID SSF 1.0 §8.1.1, stream configuration): a resource server
 * creates, reads and deletes its own event streams at /ssf/stream. It authenticates as
 * its OAuth client (HTTP Basic; SSF leaves the method to the transmitter) and may only
 * register for an audience whose resource server names it as introspector, and only
 * see or delete streams of its own client. A push endpoint must be one the issuer may
 * reach (src/outbound: https on public addresses, unless OUTBOUND_ALLOWED_HOSTS lists it).
 */
import type { Context, Next } from 'koa';
import { z } from 'zod';
import { InvalidRequest, OAuthError } from '../errors/index.js';
import { registeredEndpointProblem, type OutboundPolicy } from '../outbound/index.js';
import type { Database } from '../storage/index.js';
import { authenticateClient } from './client-auth.js';
import { POLL_PATH, parseJson } from './poll-endpoint.js';
import { addReceiver, listReceivers, POLL, PUSH, receiverProblem, removeReceiver, type Receiver } from './receivers.js';
import { SUPPORTED_EVENT_TYPES } from './types.js';

export const STREAM_PATH = '/ssf/stream';

const CreateStream = z.object({
  delivery: z.object({ method: z.enum([PUSH, POLL]), endpoint_url: z.string().max(2048).optional() }),
  events_requested: z.array(z.string().max(256)).max(50).optional(),
  aud: z.string().max(2048).optional(),
  description: z.string().max(256).optional(),
});

export interface StreamEndpointDeps { db: Database; clientPepper: Uint8Array; issuer: string; outbound: OutboundPolicy }

/** Koa middleware serving /ssf/stream; other paths pass through. */
export function streamEndpoint(deps: StreamEndpointDeps) {
  return async function serveStream(ctx: Context, next: Next): Promise<void> {
    if (ctx.path !== STREAM_PATH) return next();
    const clientId = await authenticateClient(deps, ctx.get('authorization'));
    ctx.set('Cache-Control', 'no-store');
    switch (ctx.method) {
      case 'GET': return readStreams(deps, ctx, clientId);
      case 'POST': return createStream(deps, ctx, clientId);
      case 'DELETE': return deleteStream(deps, ctx, clientId);
      default: throw new OAuthError('invalid_request', 405, 'use GET, POST or DELETE', undefined, { Allow: 'GET, POST, DELETE' });
    }
  };
}

async function readStreams(deps: StreamEndpointDeps, ctx: Context, clientId: string): Promise<void> {
  const mine = await listReceivers(deps.db, clientId);
  const id = ctx.query.stream_id;
  if (id === undefined) { ctx.body = mine.map((r) => streamConfig(deps.issuer, r)); return; }
  const found = mine.find((r) => r.id === id);
  if (!found) throw new OAuthError('not_found', 404, 'no such stream');
  ctx.body = streamConfig(deps.issuer, found);
}

async function createStream(deps: StreamEndpointDeps, ctx: Context, clientId: string): Promise<void> {
  const body = await parseJson(ctx, CreateStream, 'the body is not a valid stream configuration (SSF §8.1.1)');
  const audience = await audienceFor(deps.db, clientId, body.aud);
  const input = {
    clientId, audience, delivery: body.delivery.method === PUSH ? 'push' as const : 'poll' as const,
    endpointUrl: body.delivery.method === PUSH ? body.delivery.endpoint_url : undefined,
    events: (body.events_requested ?? SUPPORTED_EVENT_TYPES).filter((e) => SUPPORTED_EVENT_TYPES.includes(e)),
  };
  const problem = receiverProblem(input) ?? (input.endpointUrl ? await registeredEndpointProblem(deps.outbound, input.endpointUrl) : undefined);
  if (problem) throw new InvalidRequest(problem);
  ctx.status = 201;
  ctx.body = streamConfig(deps.issuer, await addReceiver(deps.db, input, deps.outbound));
}

async function deleteStream(deps: StreamEndpointDeps, ctx: Context, clientId: string): Promise<void> {
  const id = ctx.query.stream_id;
  const mine = await listReceivers(deps.db, clientId);
  if (typeof id !== 'string' || !mine.some((r) => r.id === id)) throw new OAuthError('not_found', 404, 'no such stream');
  await removeReceiver(deps.db, id);
  ctx.status = 204;
}

// The resource servers this client speaks for: those naming it as their introspector.
async function audienceFor(db: Database, clientId: string, requested?: string): Promise<string> {
  const owned = (await db.prisma.resourceServer.findMany({ where: { introspector: clientId }, select: { audience: true } })).map((r) => r.audience);
  if (requested !== undefined) {
    if (!owned.includes(requested)) throw new OAuthError('access_denied', 403, 'this client may not receive events for that audience');
    return requested;
  }
  if (owned.length !== 1) throw new OAuthError('access_denied', 403, owned.length ? 'give aud: this client speaks for several audiences' : 'this client is no resource server\'s introspector');
  return owned[0];
}

function streamConfig(issuer: string, r: Receiver): Record<string, unknown> {
  return {
    stream_id: r.id, iss: issuer, aud: r.audience,
    delivery: r.delivery === 'push' ? { method: PUSH, endpoint_url: r.endpointUrl } : { method: POLL, endpoint_url: `${issuer}${POLL_PATH}` },
    events_supported: SUPPORTED_EVENT_TYPES, events_requested: r.events, events_delivered: r.events,
  };
}
