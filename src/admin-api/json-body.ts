/**
 * Request bodies of the admin API: JSON only (415 otherwise), at most 64 KiB (413, read
 * no further), parsed before any change is made (400 for anything that is not JSON).
 */
import type { Context } from 'koa';
import { OAuthError } from '../errors/index.js';

export const BODY_LIMIT = 64 * 1024;

/** The request's JSON body. */
export async function readJson(ctx: Context): Promise<unknown> {
  if (!/^application\/json\s*(?:;|$)/i.test(ctx.get('content-type'))) throw new OAuthError('invalid_request', 415, 'the body must be application/json');
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > BODY_LIMIT) throw tooLarge(ctx);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT) throw tooLarge(ctx);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new OAuthError('invalid_request', 400, 'the body is not valid JSON');
  }
}

function tooLarge(ctx: Context): OAuthError {
  ctx.set('Connection', 'close'); // the rest of the body is not read
  return new OAuthError('invalid_request', 413, `the body must be at most ${BODY_LIMIT} bytes`);
}
