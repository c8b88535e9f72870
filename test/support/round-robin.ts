/**
 * A round-robin HTTP proxy on loopback, as a load balancer in front of several issuer
 * processes: each request goes to the next backend in turn (one request per upstream
 * connection, so nothing sticks to a backend). `served` lists, per request, the index of
 * the backend that answered.
 */
import { createServer, request, type Server } from 'node:http';

export interface RoundRobin { url: string; served: number[]; close(): Promise<void> }

/** Starts the proxy in front of `backends` (base URLs such as http://127.0.0.1:4000). */
export async function startRoundRobin(backends: string[]): Promise<RoundRobin> {
  const served: number[] = [];
  let next = 0;
  const server: Server = createServer((req, res) => {
    const i = next++ % backends.length;
    served.push(i);
    const target = new URL(req.url ?? '/', backends[i]);
    const upstream = request(target, { method: req.method, headers: { ...req.headers, host: target.host, connection: 'close' } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => { res.writeHead(502).end(); });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`, served,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
