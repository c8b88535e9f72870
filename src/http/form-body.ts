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

interface FormState { form?: ParsedUrlQuery; reading?: Promise<ParsedUrlQuery>; failed?: { error: unknown } }

/**
 * The parsed form (cached on ctx.state), or undefined when the body is not a form.
 * Only while the body is being read is the answer a promise (the same one to every
 * caller); once the read failed, its error is thrown to every later caller.
 */
export function readForm(ctx: Exchange): ParsedUrlQuery | undefined | Promise<ParsedUrlQuery | undefined> {
  const state = ctx.state as FormState;
  if (state.form) return state.form;
  if (state.failed) throw state.failed.error;
  if (state.reading) return state.reading;
  if (!ctx.is('application/x-www-form-urlencoded')) return undefined;
  return (state.reading = readLimited(ctx).then((raw) => {
    state.reading = undefined;
    return settle(ctx, raw);
  }, (error: unknown) => {
    state.reading = undefined;
    state.failed = { error };
    throw error;
  }));
}

/**
 * The lane, before any layer runs: reads the form ahead, so that the layers find it
 * without a promise (chain.ts `steps`), or find its error thrown where they ask for it
 * (then rendered as before), and calls `ready` once it is in (at once when there is
 * nothing to read).
 * On plain TCP this waits for the event loop's next check phase: by then the HTTP parser
 * has completed the message, and a form that came with its headers (nearly always) is
 * taken from the request's buffer (`takeBuffered`), without listeners, stream events or
 * promises. (Not sooner: Node runs the tick queue between the parser's body and
 * message-complete callbacks, and a response sent before the message completes costs
 * the connection.) Under load, the requests of one poll phase are then all parsed before
 * the first is served (docs/architecture.md "The lane"). A body still arriving is read
 * with listeners (readForm). So is every request on a TLS socket, in the same turn: such
 * a socket can fail on its next read right after delivering the request (OpenSSL then
 * reports a client certificate's failed verification), and its client must still get
 * its answer (401 invalid_client, test/integration/binding/mtls.test.ts).
 */
export function readFormAhead(ctx: Exchange, ready: () => void): void {
  const state = ctx.state as FormState;
  if (state.form || state.failed || !ctx.is('application/x-www-form-urlencoded')) return ready();
  if ((ctx.req.socket as { encrypted?: boolean } | null)?.encrypted) return readThen(ctx, ready);
  setImmediate(() => {
    if (!state.form && !state.reading && takeBuffered(ctx)) return afterEnd(ctx.req, ready);
    readThen(ctx, ready);
  });
}

/** readForm, then `ready` whether it succeeded or not (a failure is thrown to the layers). */
function readThen(ctx: Exchange, ready: () => void): void {
  const read = readForm(ctx);
  if (read instanceof Promise) read.then(ready, ready);
  else ready();
}

/**
 * `ready` once the drained request has emitted 'end' (read() schedules it for the next
 * tick): oidc-provider reads a request that is still readable as a stream, and takes
 * `req.body` only from one that is not.
 */
function afterEnd(req: Exchange['req'], ready: () => void): void {
  process.nextTick(() => {
    if (req.readableEnded || req.destroyed) return ready();
    const go = (): void => {
      req.off('end', go).off('close', go);
      ready();
    };
    req.on('end', go).on('close', go);
  });
}

/** Takes the complete body from the request's buffer when all of it is there; false when it is not. */
function takeBuffered(ctx: Exchange): boolean {
  const req = ctx.req;
  const declared = Number(req.headers['content-length']);
  if (!req.complete || req.readableEnded || req.destroyed || !(declared > 0 && declared <= LIMIT) || req.readableLength !== declared) return false;
  const data = req.read() as Buffer | null;
  if (data === null) return false;
  settle(ctx, data.toString('utf8'));
  return true;
}

/** The body read: kept raw on `req.body` for oidc-provider, parsed on the request's state. */
function settle(ctx: Exchange, raw: string): ParsedUrlQuery {
  (ctx.req as unknown as { body: string }).body = raw;
  return ((ctx.state as FormState).form = parseForm(raw));
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
