/**
 * POST /events/poll (RFC 8936 §2): the poll endpoint of receivers that cannot accept
 * inbound calls. The receiver authenticates as its OAuth client (HTTP Basic, RFC 6749
 * §2.3.1) and sees only the events of the receivers registered for that client.
 */
import type { Context, Next } from 'koa';
import { z } from 'zod';
import { InvalidRequest, OAuthError } from '../errors/index.js';
import type { KeyStore } from '../keys/index.js';
import { authenticateClient } from './client-auth.js';
import type { Database } from '../storage/index.js';
import { pollEvents } from './poll.js';

export const POLL_PATH = '/events/poll';
const MAX_BODY = 64 * 1024;

const jti = z.string().min(1).max(128);
const PollBody = z.object({
  maxEvents: z.number().int().min(0).max(1000).optional(),
  returnImmediately: z.boolean().optional(),
  ack: z.array(jti).max(1000).optional(),
  setErrs: z.record(jti, z.object({ err: z.string().max(64), description: z.string().max(500).optional() })).optional(),
});

export interface PollEndpointDeps { db: Database; keys: Pick<KeyStore, 'signingKey'>; clientPepper: Uint8Array }

/** Koa middleware serving the poll endpoint; other paths pass through. */
export function pollEndpoint(deps: PollEndpointDeps) {
  return async function servePoll(ctx: Context, next: Next): Promise<void> {
    if (ctx.path !== POLL_PATH) return next();
    if (ctx.method !== 'POST') throw new OAuthError('invalid_request', 405, 'use POST', undefined, { Allow: 'POST' });
    const clientId = await authenticateClient(deps, ctx.get('authorization'));
    const receivers = await deps.db.prisma.eventReceiver.findMany({ where: { clientId, delivery: 'poll' }, select: { id: true } });
    if (!receivers.length) throw new OAuthError('access_denied', 403, 'no poll receiver is registered for this client');
    const body = await readJson(ctx);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await pollEvents({ db: deps.db, keys: deps.keys }, receivers.map((r) => r.id), body);
  };
}

async function readJson(ctx: Context): Promise<z.infer<typeof PollBody>> {
  return parseJson(ctx, PollBody, 'the body is not a valid poll request (RFC 8936 §2.1)');
}

/** Reads a small JSON body and validates it; InvalidRequest otherwise. */
export async function parseJson<T>(ctx: Context, schema: z.ZodType<T>, problem: string): Promise<T> {
  if (!ctx.is('application/json')) throw new InvalidRequest('the body must be application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new InvalidRequest('the body is too large');
    chunks.push(chunk as Buffer);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new InvalidRequest('the body is not valid JSON');
  }
  const result = schema.safeParse(parsed);
  if (!result.success) throw new InvalidRequest(problem);
  return result.data;
}
