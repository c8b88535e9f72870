import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** An in-process PGlite served over the PostgreSQL wire protocol on loopback. */
export interface EmbeddedServer {
  port: number;
  stop(): Promise<void>;
}

/** Enough for the issuer's pool (10) plus a few admin CLI connections. */
const MAX_CONNECTIONS = 16;

/**
 * Opens (initdb on first use) `<dataDir>/pglite` and serves it on 127.0.0.1.
 * PGlite is a single PostgreSQL backend: every socket connection shares one session
 * (SET, session advisory locks), and an open transaction blocks other connections.
 */
export async function startEmbeddedServer(
  dataDir: string,
  port: number,
  log: (msg: string, fields?: object) => void,
): Promise<EmbeddedServer> {
  const started = Date.now();
  const db = await PGlite.create(join(dataDir, 'pglite'));
  log('storage.embedded.opened', { dataDir, ms: Date.now() - started });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port, maxConnections: MAX_CONNECTIONS });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  const bound = Number(server.getServerConn().split(':').pop());
  return { port: bound, stop: () => stopServer(server, db) };
}

async function stopServer(server: PGLiteSocketServer, db: PGlite): Promise<void> {
  await server.stop();
  await db.close();
}
