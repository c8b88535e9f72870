/**
 * The database's availability as this process sees it. Requests that fail because the
 * database is unavailable report it here: the first such failure logs
 * `database.unavailable` (warn) once, and a probe (`SELECT 1` under the pool's
 * deadlines) runs every second until the database answers again, which logs
 * `database.recovered` once. /readyz asks the same probe. Nothing needs a restart:
 * the pool drops broken connections and opens new ones.
 */
import type pg from 'pg';
import { isDatabaseUnavailable } from './unavailable.js';

interface Log { warn(obj: object, msg: string): void; info(obj: object, msg: string): void }

export interface DatabaseHealth {
  /** True (and recorded) when `err` means the database is unavailable. */
  unavailable(err: unknown): boolean;
  /** Whether the database answers now (a probe; records the result). */
  ready(): Promise<boolean>;
  /** Whether this process currently counts the database as unavailable. */
  down(): boolean;
  close(): void;
}

const PROBE_EVERY_MS = 1000;

/** Watches `pool`; `log` gets one line per change of state. */
export function createDatabaseHealth(pool: pg.Pool, log: Log): DatabaseHealth {
  let isDown = false;
  let timer: NodeJS.Timeout | undefined;
  const markDown = (err: unknown) => {
    if (isDown) return;
    isDown = true;
    log.warn({ event: 'database.unavailable', err: String((err as Error)?.message ?? err).slice(0, 200) }, 'database.unavailable: requests that need it answer 503');
    timer = setInterval(() => void probe(), PROBE_EVERY_MS);
    timer.unref();
  };
  const markUp = () => {
    if (!isDown) return;
    isDown = false;
    clearInterval(timer);
    log.info({ event: 'database.recovered' }, 'database.recovered: the database answers again');
  };
  async function probe(): Promise<boolean> {
    try {
      await pool.query('SELECT 1');
      markUp();
      return true;
    } catch (err) {
      markDown(err);
      return false;
    }
  }
  return {
    unavailable(err) {
      if (!isDatabaseUnavailable(err)) return false;
      markDown(err);
      return true;
    },
    ready: probe,
    down: () => isDown,
    close: () => clearInterval(timer),
  };
}
