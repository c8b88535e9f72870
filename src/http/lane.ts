/**
 * The lane: POSTs to the token endpoints (/token, /introspect, /revoke, /request) are
 * served without building a Koa context. They run the very same middleware as through Koa
 * (app.ts builds one chain per endpoint and hands it to both), over a context that
 * offers only what that middleware uses (exchange.ts), with Koa's meaning:
 *  - `get` reads a request header ('' when absent), `set` writes response headers at once;
 *  - setting `body` makes the status 200 unless a status was set; `respond = false`
 *    leaves the response to whoever took it (oidc-provider);
 *  - an object body is sent as JSON, as Koa sends it.
 * The form body is read before the first layer runs (form-body.ts readFormAhead), so a
 * request whose lookups are all remembered runs its layers without a promise.
 * Why: the endpoints resource servers call per request paid more for Koa's context
 * (request, response and delegate objects per request) than for their own checks.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorBody, ServerError } from '../errors/index.js';
import { pending, steps } from './chain.js';
import { jsonText } from './json-body.js';
import { readFormAhead } from './form-body.js';
import type { Exchange, Step } from './exchange.js';

/** A request listener that serves `routes` (POST, exact path) and answers false for anything else. */
export function createLane(outer: Step[], routes: Map<string, Step>): (req: IncomingMessage, res: ServerResponse) => boolean {
  const served = new Map([...routes].map(([path, route]) => [path, steps([...outer, route])]));
  const end = (): void => undefined;
  return (req, res) => {
    if (req.method !== 'POST') return false;
    const url = req.url ?? '';
    const sent = pathOf(url);
    const path = endpointPath(sent);
    const route = served.get(path);
    if (!route) return false;
    if (path !== sent) req.url = path + url.slice(sent.length);
    const ctx = new LaneContext(req, res, path);
    readFormAhead(ctx, () => serve(ctx, route)); // then the layers find the form without a promise, or its error thrown (the logged duration starts once it is in)
    return true;
  };
  function serve(ctx: LaneContext, route: Step): void {
    let answered: void | Promise<void>;
    try {
      answered = route(ctx, end); // the error renderer is in `outer`: only its own failure throws here
    } catch {
      return failed(ctx.res);
    }
    if (pending(answered)) answered.then(() => respond(ctx), () => failed(ctx.res));
    else respond(ctx);
  }
}

/**
 * The path under which an endpoint is registered (ASCII lower case, no trailing slash).
 * oidc-provider's router matches paths without regard to ASCII case and, failing an
 * exact match, with one trailing slash removed (`POST /TOKEN` and `POST /token/` both
 * reach its token endpoint), so the request is rewritten to this path before any layer
 * runs: every gate and path check then sees the one path oidc-provider will serve.
 */
export function endpointPath(path: string): string {
  const folded = /[A-Z]/.test(path) ? path.replace(/[A-Z]+/g, (s) => s.toLowerCase()) : path;
  return folded.length > 1 && folded.charCodeAt(folded.length - 1) === 0x2f ? folded.slice(0, -1) : folded;
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** Koa's respond, for the bodies these endpoints produce (JSON objects). */
function respond(ctx: LaneContext): void {
  const { res } = ctx;
  if (ctx.respond === false || res.headersSent || res.writableEnded) return;
  const body = ctx.body;
  if (body === undefined || body === null) {
    res.statusCode = 404;
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end('Not Found');
    return;
  }
  const text = typeof body === 'string' ? body : jsonText(body);
  if (!res.hasHeader('content-type')) res.setHeader('Content-Type', typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** Only reached if the error renderer itself failed: the renderer's server_error body, nothing about the error. */
function failed(res: ServerResponse): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(errorBody(new ServerError())));
}

class LaneContext implements Exchange {
  state: Record<string, unknown> = {};
  respond = true;
  private answer: unknown = undefined;
  private statusSet = false;

  constructor(readonly req: IncomingMessage, readonly res: ServerResponse, readonly path: string) {
    res.statusCode = 404;
  }

  get method(): string { return this.req.method as string; }

  get status(): number { return this.res.statusCode; }
  set status(code: number) {
    this.statusSet = true;
    this.res.statusCode = code;
  }

  get body(): unknown { return this.answer; }
  set body(value: unknown) {
    this.answer = value;
    if (!this.statusSet) this.res.statusCode = 200;
  }

  /** Koa's ctx.get: the header's value, '' when absent. */
  get(name: string): string {
    const key = name.toLowerCase();
    const value = key === 'referer' || key === 'referrer' ? this.req.headers.referrer ?? this.req.headers.referer : this.req.headers[key];
    return (value ?? '') as string;
  }

  /** Koa's ctx.set: one header, or several from an object. */
  set(field: string | Record<string, string | string[]>, value?: string | string[]): void {
    if (this.res.headersSent) return;
    if (typeof field !== 'string') {
      for (const name in field) this.set(name, field[name]);
      return;
    }
    this.res.setHeader(field, Array.isArray(value) ? value.map(String) : String(value));
  }

  /**
   * Koa's ctx.is for one media type: null without a body, the type when the
   * Content-Type's media type (parameters aside, case-insensitive) is it, else false.
   */
  is(type: string | string[]): string | false | null {
    const headers = this.req.headers;
    if (headers['transfer-encoding'] === undefined && Number.isNaN(Number(headers['content-length']))) return null; // type-is's hasBody
    const sent = headers['content-type'] ?? '';
    if (sent === type) return type; // as sent, nothing to normalise (the usual form post)
    const wanted = Array.isArray(type) ? type : [type];
    const media = sent.split(';', 1)[0].trim().toLowerCase();
    return wanted.find((t) => t === media) ?? false;
  }
}
