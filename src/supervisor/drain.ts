/**
 * A graceful stop of one HTTP server: no new connections, requests in flight answered
 * (each connection is closed once it falls idle, so keep-alive clients reconnect to a
 * process that is still serving), and whatever is left cut after `graceMs`.
 */
import type { Server } from 'node:http';

/** Resolves once the server has closed. */
export function drain(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearInterval(idle);
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}
