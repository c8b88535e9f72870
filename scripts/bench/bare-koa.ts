/**
 * Introspection baseline for the benchmark: the cheapest Koa POST handler that
 * reads a form body and answers a small JSON object. It bounds what any Koa-hosted
 * introspection endpoint can reach on this machine. Env: BENCH_PORT.
 */
import { createServer } from 'node:http';
import Koa from 'koa';

const app = new Koa();
app.use(async (ctx) => {
  if (ctx.method !== 'POST') {
    ctx.body = { status: 'ok' };
    return;
  }
  let size = 0;
  for await (const chunk of ctx.req) size += (chunk as Buffer).length;
  ctx.body = { active: size > 0 };
});

const server = createServer(app.callback()).listen(Number(process.env.BENCH_PORT), '127.0.0.1');
process.once('SIGTERM', () => { server.closeAllConnections(); server.close(() => process.exit(0)); });
