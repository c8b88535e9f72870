/**
 * A wake-up for other processes sharing the database: PostgreSQL `NOTIFY <channel>`.
 * The embedded owner hears it from any connection (Database.notices); on a cluster it
 * is an ordinary NOTIFY, which costs nothing without a listener.
 */
import type pg from 'pg';

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

/** The statement, exactly as it is sent and recognised. */
export function notifyStatement(channel: string): string {
  if (!CHANNEL.test(channel)) throw new TypeError(`not a channel name: ${channel}`);
  return `NOTIFY ${channel}`;
}

/** Sends `NOTIFY <channel>` as one simple query (no parameters, so no extended protocol). */
export async function notify(db: { pool: pg.Pool }, channel: string): Promise<void> {
  await db.pool.query(notifyStatement(channel));
}
