/**
 * Reads an application/x-www-form-urlencoded request body once, before oidc-provider:
 * the throttle gate needs `client_id` and the token shield needs `token`. The raw body
 * is left on `req.body`, which oidc-provider parses instead of the consumed stream
 * (its documented fallback for upstream parsers).
 */
import { parse, type ParsedUrlQuery } from 'node:querystring';
import type { Context } from 'koa';
import { InvalidRequest } from '../errors/index.js';

const LIMIT = 56 * 1024; // the same cap oidc-provider applies to request bodies

/** The parsed form (cached on ctx.state), or undefined when the body is not a form. */
export async function readForm(ctx: Context): Promise<ParsedUrlQuery | undefined> {
  if (ctx.state.form) return ctx.state.form as ParsedUrlQuery;
  if (!ctx.is('application/x-www-form-urlencoded')) return undefined;
  const raw = await readLimited(ctx);
  (ctx.req as unknown as { body: string }).body = raw;
  ctx.state.form = parse(raw);
  return ctx.state.form as ParsedUrlQuery;
}

// Event listeners rather than `for await`: an async iterator per request costs more
// than the rest of the read. Over the limit the stream is destroyed, as before.
function readLimited(ctx: Context): Promise<string> {
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > LIMIT) return Promise.reject(new InvalidRequest('request body too large'));
  const req = ctx.req;
  if (req.readableEnded) return Promise.resolve('');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= LIMIT) return void chunks.push(chunk);
      done();
      req.destroy();
      reject(new InvalidRequest('request body too large'));
    };
    const onEnd = () => {
      done();
      resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    };
    const onFail = (err?: Error) => {
      done();
      reject(err ?? new Error('request closed before its body was read'));
    };
    const onClose = () => onFail();
    function done(): void {
      req.off('data', onData).off('end', onEnd).off('error', onFail).off('close', onClose);
    }
    req.on('data', onData).on('end', onEnd).on('error', onFail).on('close', onClose);
  });
}
