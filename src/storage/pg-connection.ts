import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './prisma-client/client.js';
import { quoteSchema } from './schema-name.js';

/** Deadlines of the pool (DATABASE_QUERY_TIMEOUT, DATABASE_CONNECT_TIMEOUT), ms. */
export interface PgTimeouts { queryMs: number; connectMs: number }

/** A pool and a Prisma client sharing it, bound to one schema. */
export interface PgConnection {
  pool: pg.Pool;
  prisma: PrismaClient;
  close(): Promise<void>;
}

/**
 * Opens the one code path both modes use: a pg.Pool and Prisma over PrismaPg.
 * search_path is set by pg-pool's awaited `onConnect` hook on each new connection
 * rather than the startup `options` parameter, because PGlite (embedded mode)
 * ignores startup options. (A 'connect' event listener would queue its query
 * behind nothing; pg 8 warns about that and pg 9 refuses it.)
 */
export function connectPg(connectionString: string, schema: string, max = 10, timeouts?: PgTimeouts): PgConnection {
  const setPath = `SET search_path TO ${quoteSchema(schema)}`;
  const onConnect = async (client: pg.ClientBase) => { await client.query(setPath); };
  const pool = new pg.Pool({ connectionString, max, onConnect, ...deadlines(timeouts) });
  pool.on('error', () => undefined); // idle-client errors: the pool drops the client
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { schema }) });
  return { pool, prisma, close: () => closePg(pool, prisma) };
}

/**
 * A connection attempt, a wait for a free pool connection, and a query each have a
 * deadline: a PostgreSQL that is stopped, unreachable or frozen (connections open,
 * nothing answering) then fails requests within them instead of holding them. The
 * client side `query_timeout` is what ends a wait on a frozen server (the connection is
 * then discarded); `statement_timeout` makes a live but slow server stop the work too.
 */
function deadlines(t: PgTimeouts | undefined): pg.PoolConfig {
  if (!t) return {};
  return { connectionTimeoutMillis: t.connectMs, query_timeout: t.queryMs, statement_timeout: t.queryMs, keepAlive: true };
}

/**
 * pool.end() waits for every checked-out connection; one held by a transaction whose
 * server vanished may never come back, so closing waits at most CLOSE_WAIT_MS.
 */
const CLOSE_WAIT_MS = 5000;

async function closePg(pool: pg.Pool, prisma: PrismaClient): Promise<void> {
  await prisma.$disconnect();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([pool.end(), new Promise<void>((resolve) => { timer = setTimeout(resolve, CLOSE_WAIT_MS); })]);
  clearTimeout(timer);
}
