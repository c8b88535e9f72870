/**
 * Reads an application/x-www-form-urlencoded request body once, before oidc-provider:
 * the throttle gate needs `client_id` and the token shield needs `token`. The raw body
 * is left on `req.body`, which oidc-provider parses instead of the consumed stream
 * (its documented fallback for upstream parsers).
 */
import { parse, type ParsedUrlQuery } from 'node:querystring';
import type { Exchange } from './exchange.js';
import { InvalidRequest } from '../errors/index.js';

const LIMIT = 56 * 1024; // the same cap oidc-provider applies to request bodies

/**
 * The parsed form (cached on ctx.state), or undefined when the body is not a form.
 * Only the first call, which reads the body, answers with a promise.
 */
export function readForm(ctx: Exchange): ParsedUrlQuery | undefined | Promise<ParsedUrlQuery | undefined> {
  if (ctx.state.form) return ctx.state.form as ParsedUrlQuery;
  if (!ctx.is('application/x-www-form-urlencoded')) return undefined;
  return readLimited(ctx).then((raw) => {
    (ctx.req as unknown as { body: string }).body = raw;
    return (ctx.state.form = parseForm(raw)) as ParsedUrlQuery;
  });
}

// Event listeners rather than `for await`: an async iterator per request costs more
// than the rest of the read. Over the limit the stream is destroyed, as before.
function readLimited(ctx: Exchange): Promise<string> {
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

const MAX_PAIRS = 1000; // querystring.parse's default maxKeys

/**
 * querystring.parse, with the same result: a body with nothing to decode (no '%', no
 * '+': the usual token request) is split with indexOf instead of querystring's
 * character loop, which cost more than the rest of the form handling for a long token.
 */
export function parseForm(raw: string): ParsedUrlQuery {
  if (raw.includes('%') || raw.includes('+')) return parse(raw);
  const form: ParsedUrlQuery = Object.create(null) as ParsedUrlQuery;
  let pairs = 0;
  for (let start = 0; start < raw.length;) {
    let end = raw.indexOf('&', start);
    if (end === -1) end = raw.length;
    if (++pairs > MAX_PAIRS) return parse(raw); // querystring counts empty pieces too
    if (end > start) {
      const eq = raw.indexOf('=', start);
      const split = eq !== -1 && eq < end;
      add(form, split ? raw.slice(start, eq) : raw.slice(start, end), split ? raw.slice(eq + 1, end) : '');
    }
    start = end + 1;
  }
  return form;
}

function add(form: ParsedUrlQuery, key: string, value: string): void {
  const current = form[key];
  if (current === undefined) form[key] = value;
  else if (Array.isArray(current)) current.push(value);
  else form[key] = [current, value];
}
