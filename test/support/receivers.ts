/**
 * Resource-server receivers for event tests: a Koa app on loopback running the SDK's
 * SET receiver (optionally on a given port, so a test can start it "late"), and a
 * bare endpoint answering a fixed status while counting calls.
 */
import { createServer, type Server } from 'node:http';
import Koa from 'koa';
import { createSetReceiver, type SetReceiver, type SetReceiverOptions } from '@portcullis/sdk';

export interface RunningReceiver { url: string; port: number; receiver: SetReceiver; close(): Promise<void> }

async function listen(app: Koa, port = 0): Promise<{ server: Server; port: number }> {
  const server = createServer(app.callback());
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : port };
}

function closer(server: Server) {
  return () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); });
}

/** Starts an SDK receiver at `/events`. */
export async function startReceiver(opts: Omit<SetReceiverOptions, 'path'>, port?: number): Promise<RunningReceiver> {
  const receiver = createSetReceiver({ ...opts, path: '/events' });
  const app = new Koa();
  app.use(receiver);
  const { server, port: bound } = await listen(app, port);
  return { url: `http://127.0.0.1:${bound}/events`, port: bound, receiver, close: closer(server) };
}

/** An endpoint that always answers `status` (with an RFC 8935 error body for 400). */
export async function startFixedEndpoint(status: number): Promise<{ url: string; calls(): number; close(): Promise<void> }> {
  let calls = 0;
  const app = new Koa();
  app.use((ctx) => {
    calls++;
    ctx.status = status;
    if (status === 400) ctx.body = { err: 'invalid_request', description: 'refused by test' };
  });
  const { server, port } = await listen(app);
  return { url: `http://127.0.0.1:${port}/events`, calls: () => calls, close: closer(server) };
}

/** Polls `check` every `stepMs` until true or `timeoutMs` passed; returns the elapsed ms or throws. */
export async function eventually(what: string, timeoutMs: number, check: () => boolean | Promise<boolean>, stepMs = 20): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check()) return Date.now() - started;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
