import { unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { notifyStatement } from './notify.js';

/** An in-process PGlite served over the PostgreSQL wire protocol on a Unix socket. */
export interface EmbeddedServer {
  port: number;
  quiet: QuietReads;
  notices: Notices;
  stop(): Promise<void>;
}

/**
 * PostgreSQL NOTIFY for the embedded database. PGlite's own `listen` hears only its
 * owner's statements, not those of socket clients such as the admin CLI, and every
 * statement passes through one entry point anyway (see QuietReads), so a client's
 * `NOTIFY <channel>` (sent as a simple query, exactly: see `notify` in notify.ts) is
 * recognised there and its listeners run once the statement has.
 */
export interface Notices {
  /** Calls `listener` after each `NOTIFY <channel>`; returns the function that stops it. */
  on(channel: string, listener: () => void): () => void;
}

/**
 * Whether anything ran in the database since a tagged read last ran. Every statement,
 * from the issuer or from the admin CLI, reaches the one PGlite backend through
 * `execProtocolRawSync`, one protocol message at a time, so counting those messages
 * tells exactly whether the data could have changed. The revocation mirror uses it to
 * skip its epoch read when nothing at all happened (docs/architecture.md).
 */
export interface QuietReads {
  /** `sql` (a read sent as a simple query, without parameters) marked as a tagged read; only that exact message counts as one */
  tag(sql: string): string;
  /** true when no message other than tagged reads has run since the last tagged read ran */
  unchanged(): boolean;
}

const TAG = '/* portcullis:quiet-read */';

function watchActivity(db: PGlite): QuietReads {
  let activity = 0;
  let lastTagged = -1;
  const tagged: Buffer[] = []; // the exact wire messages of the tagged reads
  const run = db.execProtocolRawSync.bind(db);
  db.execProtocolRawSync = (message: Uint8Array): Uint8Array => {
    if (isOneOf(message, tagged)) lastTagged = activity;
    else activity += 1;
    return run(message);
  };
  return {
    tag(sql) {
      const text = `${sql} ${TAG}`;
      tagged.push(simpleQuery(text));
      return text;
    },
    unchanged: () => lastTagged === activity,
  };
}

function watchNotices(db: PGlite): Notices {
  const listeners = new Map<string, { message: Buffer; listeners: Set<() => void> }>();
  const run = db.execProtocolRawSync.bind(db);
  db.execProtocolRawSync = (message: Uint8Array): Uint8Array => {
    const result = run(message);
    for (const channel of listeners.values()) {
      // after this statement: a listener's own queries cannot run inside it
      if (isOneOf(message, [channel.message])) for (const listener of channel.listeners) setImmediate(listener);
    }
    return result;
  };
  return {
    on(channel, listener) {
      const entry = listeners.get(channel) ?? { message: simpleQuery(notifyStatement(channel)), listeners: new Set<() => void>() };
      listeners.set(channel, entry);
      entry.listeners.add(listener);
      return () => { entry.listeners.delete(listener); };
    },
  };
}

/** The PostgreSQL simple Query message ('Q', length, text, NUL) a client sends for `text`. */
function simpleQuery(text: string): Buffer {
  const body = Buffer.from(`${text}\0`, 'utf8');
  const header = Buffer.alloc(5);
  header.write('Q', 0, 'latin1');
  header.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([header, body]);
}

function isOneOf(message: Uint8Array, known: Buffer[]): boolean {
  for (const k of known) if (message.length === k.length && k.equals(message)) return true;
  return false;
}

/** The socket's nominal port: libpq clients find `<dir>/.s.PGSQL.<port>`. */
export const SOCKET_PORT = 5432;
const MAX_SOCKET_PATH = 100; // sun_path is 108 bytes on Linux, less elsewhere

/**
 * The socket lives inside the data dir (mode 0700), so only the owner user can reach
 * the database: a loopback TCP port would let any local user in (PGlite has no auth).
 */
export function socketPath(dataDir: string): string {
  const path = join(resolve(dataDir), `.s.PGSQL.${SOCKET_PORT}`);
  if (path.length > MAX_SOCKET_PATH) throw new TypeError(`storage.dataDir: path too long for a Unix socket (${path})`);
  return path;
}

/** A pg connection string for the embedded socket in dataDir. */
export function socketUrl(dataDir: string): string {
  return `postgresql://postgres@localhost:${SOCKET_PORT}/postgres?host=${encodeURIComponent(resolve(dataDir))}`;
}

/** Enough for the issuer's pool (10) plus a few admin CLI connections. */
const MAX_CONNECTIONS = 16;

/**
 * Opens (initdb on first use) `<dataDir>/pglite` and serves it on `<dataDir>/.s.PGSQL.5432`.
 * PGlite is a single PostgreSQL backend: every socket connection shares one session
 * (SET, session advisory locks), and an open transaction blocks other connections.
 */
export async function startEmbeddedServer(
  dataDir: string,
  log: (msg: string, fields?: object) => void,
): Promise<EmbeddedServer> {
  const path = socketPath(dataDir);
  await unlink(path).catch(() => undefined); // a stale socket of a dead owner (we hold the lock)
  const started = Date.now();
  const db = await PGlite.create(join(dataDir, 'pglite'));
  log('storage.embedded.opened', { dataDir, ms: Date.now() - started });
  const quiet = watchActivity(db);
  const notices = watchNotices(db);
  const server = new PGLiteSocketServer({ db, path, maxConnections: MAX_CONNECTIONS });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  return { port: SOCKET_PORT, quiet, notices, stop: () => stopServer(server, db) };
}

async function stopServer(server: PGLiteSocketServer, db: PGlite): Promise<void> {
  await server.stop();
  await db.close();
}
