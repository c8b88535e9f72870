/**
 * Whether an error means the database is unavailable (down, unreachable, restarting,
 * or past a deadline) rather than a bug or a refused statement. Errors reach callers
 * from pg directly or wrapped by Prisma's driver adapter; the whole `cause` chain is
 * read.
 */
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// SQLSTATE class 08 (connection exception), 57P01-57P03 (shutdown, cannot connect now),
// 53300 (too many connections), 57014 (statement_timeout cancelled the query)
const SQLSTATE = /^(08\d{3}|57P0[123]|53300|57014)$/;
// pg's own messages for the pool's and the client's deadlines and lost connections
const MESSAGES = /Query read timeout|Transaction API error|timeout exceeded when trying to connect|Connection terminated|connection timeout|Client has encountered a connection error|Connection is closed/i;
// Prisma's codes for the same conditions (P1001 unreachable, P1002/P1008 timed out,
// P1017 connection closed, P2024 no pool connection in time, P2028 a transaction its
// connection failed under: "Transaction already closed")
const PRISMA = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);

/** True when `err` (or anything in its cause chain) says the database is unavailable. */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message, originalCode, originalMessage } = e as { code?: unknown; message?: unknown; originalCode?: unknown; originalMessage?: unknown };
    for (const c of [code, originalCode]) {
      if (typeof c === 'string' && (NETWORK.has(c) || SQLSTATE.test(c) || PRISMA.has(c))) return true;
    }
    for (const m of [message, originalMessage]) if (typeof m === 'string' && MESSAGES.test(m)) return true;
  }
  return false;
}
