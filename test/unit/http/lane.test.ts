/**
 * The lane (src/http/lane.ts) serves the token endpoints' POSTs without a Koa context,
 * over a context with Koa's meaning for what the middleware uses. Driven over real
 * HTTP on loopback, with raw sockets where a client library would tidy the request.
 */
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { errorBody, ServerError } from '../../../src/errors/index.js';
import { createLane } from '../../../src/http/lane.js';
import type { Exchange, Step } from '../../../src/http/exchange.js';
import { readForm } from '../../../src/http/form-body.js';

let server: Server;
let url: string;
let fellThrough: string[] = [];
const seen: Record<string, unknown> = {};

const routes = new Map<string, Step>([
  ['/json', (ctx) => { ctx.body = { ok: true, n: 1 }; }],
  ['/created', (ctx) => { ctx.status = 201; ctx.body = { made: true }; }],
  ['/nothing', () => undefined],
  ['/own', (ctx) => { ctx.respond = false; ctx.res.writeHead(202, { 'content-type': 'text/plain' }); ctx.res.end('taken'); }],
  ['/headers', (ctx) => {
    seen.url = ctx.req.url;
    ctx.set('X-One', '1');
    ctx.set({ 'X-Two': '2', 'X-Three': ['a', 'b'] });
    Object.assign(seen, { auth: ctx.get('Authorization'), missing: ctx.get('x-absent'), referrer: ctx.get('referrer'), method: ctx.method, path: ctx.path, form: ctx.is('application/x-www-form-urlencoded') });
    ctx.body = { ok: true };
  }],
  ['/throws', () => { throw new Error('secret internals at /srv/app.js:12'); }],
  ['/twice', async (_ctx, next) => { await next(); await next(); }],
  // what a layer finds of the form read ahead, and what oidc-provider would find of the request
  ['/form', (ctx) => {
    let form: unknown;
    try {
      form = readForm(ctx);
    } catch (err) {
      ctx.status = 400;
      ctx.body = { error: (err as Error).message };
      return;
    }
    const req = ctx.req as typeof ctx.req & { body?: unknown };
    ctx.body = { promise: form instanceof Promise, form: { ...(form as object) }, raw: req.body, readable: req.readable, ended: req.readableEnded };
  }],
]);
// an outer layer like the request log: it sees every request first and may set headers
const outer: Step[] = [async (ctx: Exchange, next) => { ctx.set('X-Outer', 'yes'); await next(); }];

beforeAll(async () => {
  const lane = createLane(outer, routes);
  server = createServer((req, res) => {
    if (lane(req, res)) return;
    fellThrough.push(`${req.method} ${req.url}`);
    res.end('koa');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => { await new Promise((resolve) => server.close(resolve)); });
beforeEach(() => { fellThrough = []; for (const k of Object.keys(seen)) delete seen[k]; });

/** Sends bytes as they are (pieces `pauseMs` apart) and returns the raw response (the server closes after it). */
function raw(request: string | string[], pauseMs = 0): Promise<{ status: number; headers: string; body: string }> {
  const { port } = server.address() as AddressInfo;
  const pieces = typeof request === 'string' ? [request] : request;
  const send = async (): Promise<void> => {
    for (const [i, piece] of pieces.entries()) {
      if (i > 0) await new Promise((r) => setTimeout(r, pauseMs));
      socket.write(piece);
    }
  };
  let socket: ReturnType<typeof connect>;
  return new Promise((resolve, reject) => {
    socket = connect(port, '127.0.0.1', () => void send()); // Connection: close ends it; a half-close would drop the request
    let data = '';
    socket.setEncoding('utf8').on('data', (chunk) => { data += chunk; }).on('error', reject).on('end', () => {
      const [head, ...rest] = data.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body: rest.join('\r\n\r\n') });
    });
  });
}

describe('the lane', () => {
  it('answers an object body as Koa would: 200, JSON with its length, the outer layer first', async () => {
    const res = await fetch(`${url}/json`, { method: 'POST', body: 'a=1' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength('{"ok":true,"n":1}')));
    expect(res.headers.get('x-outer')).toBe('yes');
    expect(await res.json()).toEqual({ ok: true, n: 1 });
  });

  it('keeps a status set before the body, and answers 404 when nothing set a body', async () => {
    expect((await fetch(`${url}/created`, { method: 'POST' })).status).toBe(201);
    const none = await fetch(`${url}/nothing`, { method: 'POST' });
    expect(none.status).toBe(404);
    expect(await none.text()).toBe('Not Found');
  });

  it('leaves the response alone when a layer took it (respond = false)', async () => {
    const res = await fetch(`${url}/own`, { method: 'POST' });
    expect(res.status).toBe(202);
    expect(await res.text()).toBe('taken');
  });

  it('reads request headers case-insensitively ("" when absent) and writes single and object headers', async () => {
    const res = await fetch(`${url}/headers?x=1`, { method: 'POST', headers: { authorization: 'Basic abc', referer: 'https://r.example/', 'content-type': 'Application/X-WWW-Form-Urlencoded; charset=UTF-8' }, body: 'a=1' });
    expect(res.status).toBe(200);
    expect(seen).toEqual({ url: '/headers?x=1', auth: 'Basic abc', missing: '', referrer: 'https://r.example/', method: 'POST', path: '/headers', form: 'application/x-www-form-urlencoded' });
    expect([res.headers.get('x-one'), res.headers.get('x-two'), res.headers.get('x-three')]).toEqual(['1', '2', 'a, b']);
  });

  it('says a JSON body is not a form, and a request without a body has none (null, as type-is says)', async () => {
    await fetch(`${url}/headers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(seen.form).toBe(false);
    const res = await raw('POST /headers HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n\r\n');
    expect(res.status).toBe(200);
    expect(seen.form).toBeNull();
  });

  it('answers an error no layer rendered as a bare server_error: no message, no stack', async () => {
    for (const path of ['/throws', '/twice']) {
      const res = await fetch(`${url}${path}`, { method: 'POST' });
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual(errorBody(new ServerError())); // the renderer's body: server_error, a fixed description
      expect(text).not.toMatch(/secret|srv|at |next\(\)/);
    }
  });

  it('serves any ASCII case of its paths under the registered one (oidc-provider routes them all)', async () => {
    const res = await fetch(`${url}/HEADERS?x=1`, { method: 'POST', body: 'a=1' });
    expect(res.status).toBe(200);
    expect([seen.path, seen.url]).toEqual(['/headers', '/headers?x=1']);
    expect(fellThrough).toEqual([]);
  });

  it('takes only POSTs to its exact paths: other methods, paths and absolute-form targets fall through', async () => {
    await fetch(`${url}/json`);
    await fetch(`${url}/json/more`, { method: 'POST' });
    await fetch(`${url}/other`, { method: 'POST' });
    const { port } = server.address() as AddressInfo;
    await raw(`POST http://127.0.0.1:${port}/json HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    expect(fellThrough).toEqual(['GET /json', 'POST /json/more', 'POST /other', `POST http://127.0.0.1:${port}/json`]);
  });

  describe('reads a form before the first layer', () => {
    const FORM = 'application/x-www-form-urlencoded';
    const head = (length: number | 'chunked') => `POST /form HTTP/1.1\r\nHost: x\r\nContent-Type: ${FORM}\r\n${length === 'chunked' ? 'Transfer-Encoding: chunked' : `Content-Length: ${length}`}\r\nConnection: close\r\n\r\n`;
    const body = 'token=a.b.c&token_type_hint=access_token';
    // the layers get the form without a promise, the raw body on req.body, and a request
    // that is no longer readable (oidc-provider then parses req.body instead of the stream)
    const expected = { promise: false, form: { token: 'a.b.c', token_type_hint: 'access_token' }, raw: body, readable: false, ended: true };

    it('sent with its headers (the usual request), over keep-alive too', async () => {
      expect(JSON.parse((await raw(head(body.length) + body)).body)).toEqual(expected);
      const agentless = await Promise.all([1, 2, 3].map(() => fetch(`${url}/form`, { method: 'POST', headers: { 'content-type': FORM }, body }).then((r) => r.json())));
      for (const answer of agentless) expect(answer).toEqual(expected);
    });

    it('arriving in pieces after the headers, or chunked', async () => {
      expect(JSON.parse((await raw([head(body.length), body.slice(0, 9), body.slice(9)], 30)).body)).toEqual(expected);
      const chunks = `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
      expect(JSON.parse((await raw([head('chunked'), chunks.slice(0, 5), chunks.slice(5)], 30)).body)).toEqual(expected);
    });

    it('too large: the error reaches the layers, nothing is parsed', async () => {
      const res = await raw(head(56 * 1024 + 1) + 'a'.repeat(56 * 1024 + 1));
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body)).toEqual({ error: 'request body too large' });
    });
  });
});
