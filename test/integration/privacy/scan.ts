/**
 * Scans for personal data: every row of every table of the issuer's schema (found in
 * the catalogue, so a table added later is scanned too) as text, every log line, every
 * message; each hit names where it was and which value it matched.
 */
import type { Database } from '../../../src/storage/index.js';

export interface Hit { where: string; label: string; text: string }

/** The values to look for, by label (compared case-insensitively; e-mail addresses are). */
export type Needles = Record<string, string>;

function hitsIn(where: string, text: string, needles: Needles): Hit[] {
  const lower = text.toLowerCase();
  return Object.entries(needles).filter(([, v]) => v && lower.includes(v.toLowerCase())).map(([label]) => ({ where, label, text: text.slice(0, 400) }));
}

/** Every table of the schema with each row rendered as text (PostgreSQL's row-to-text cast). */
export async function tableRows(db: Database): Promise<{ table: string; rows: string[] }[]> {
  const { rows: tables } = await db.pool.query<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations' ORDER BY 1", [db.schema]);
  return Promise.all(tables.map(async ({ name }) => ({
    table: name,
    rows: (await db.pool.query<{ row: string }>(`SELECT t::text AS row FROM "${name}" t`)).rows.map((r) => r.row),
  })));
}

/** Rows anywhere in the database that contain one of the needles. */
export async function rowsMentioning(db: Database, needles: Needles): Promise<Hit[]> {
  return (await tableRows(db)).flatMap(({ table, rows }) => rows.flatMap((row) => hitsIn(table, row, needles)));
}

/** Log lines (parsed records or raw text lines) that contain one of the needles. */
export function linesMentioning(lines: Array<object | string>, needles: Needles): Hit[] {
  return lines.flatMap((line, i) => hitsIn(`line ${i}`, typeof line === 'string' ? line : JSON.stringify(line), needles));
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;

/**
 * Anything in a text that looks like an e-mail address, or an IPv4 address other than
 * `allowedIps` (the issuer's own listening address appears in its start-up line) and
 * networks (`a.b.c.0/24`).
 */
export function lookalikes(text: string, allowedIps: string[]): string[] {
  const ips = [...text.matchAll(IPV4)].filter((m) => !allowedIps.includes(m[0]) && !(m[0].endsWith('.0') && text.slice(m.index! + m[0].length).startsWith('/24')));
  return [...[...text.matchAll(EMAIL)].map((m) => m[0]), ...ips.map((m) => m[0])];
}
