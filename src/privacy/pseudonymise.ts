/**
 * The data migration that pseudonymises the risk rows earlier releases stored in clear
 * (a SQL migration cannot compute an HMAC under a deployment secret it does not hold):
 *   RiskEvent.subject (the name as typed, or a user id)  -> subjectKey (key of the name)
 *   RiskLockout `user:<name>`                            -> `subject:<key of the name>`
 *   RiskStepUp  `<user id>`                              -> `user:<key of the user id>`
 * A user id is mapped to the key of that user's name, as the risk engine now keys known
 * users; any other value is keyed as a name typed at the login form, so every row can be
 * mapped and none keeps a name.
 *
 * Each kind of legacy row is recognisable by its shape (a non-null `subject`, the `user:`
 * prefix, a key without `:`), so the pass is idempotent and also catches rows written
 * after it by a process still on the earlier release: it runs at every issuer start and
 * when the admin CLI opens the database, under an advisory lock, in one transaction, and
 * records what it changed in DataMigration.
 */
import { normaliseName, personLockout, stepUpSubject, type SubjectKeys } from '../risk/index.js';
import type { Database, PrismaClient } from '../storage/index.js';

/** Its name in DataMigration. */
export const PSEUDONYMISE_RISK = 'pseudonymise-risk-subjects';

const LOCK_ID = 0x70637270; // "pcrp": one pass at a time across processes
const BATCH = 1000;

type Tx = Pick<PrismaClient, 'riskEvent' | 'riskLockout' | 'riskStepUp' | 'user' | 'dataMigration' | '$executeRawUnsafe'>;

export interface Pseudonymised { events: number; lockouts: number; stepUps: number }

/** Runs the pass; returns how many rows it rekeyed (all zero once nothing is left in clear). */
export async function pseudonymiseRiskRecords(db: Database, keys: SubjectKeys, now = new Date()): Promise<Pseudonymised> {
  if (!await anyLegacy(db)) return { events: 0, lockouts: 0, stepUps: 0 };
  return db.prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${LOCK_ID})`);
    const done = { events: await events(tx, keys), lockouts: await lockouts(tx, keys), stepUps: await stepUps(tx, keys) };
    const rows = done.events + done.lockouts + done.stepUps;
    await tx.dataMigration.upsert({ where: { name: PSEUDONYMISE_RISK }, create: { name: PSEUDONYMISE_RISK, firstRun: now, lastRun: now, rows }, update: { lastRun: now, rows: { increment: rows } } });
    return done;
  }, { timeout: 120_000 });
}

/** Cheap check first: a start with nothing in clear takes three indexed look-ups and no lock. */
async function anyLegacy(db: Database): Promise<boolean> {
  const p = db.prisma;
  const found = await Promise.all([
    p.riskEvent.findFirst({ where: { subject: { not: null } }, select: { id: true } }),
    p.riskLockout.findFirst({ where: { key: { startsWith: 'user:' } }, select: { key: true } }),
    p.riskStepUp.findFirst({ where: { NOT: { subject: { contains: ':' } } }, select: { subject: true } }),
  ]);
  return found.some(Boolean);
}

/** The key a legacy value stands for: a user id names that user's name, anything else is a typed name. */
async function keyOf(tx: Tx, keys: SubjectKeys, value: string): Promise<string> {
  const user = await tx.user.findUnique({ where: { id: value }, select: { username: true } });
  return keys.ofName(user?.username ?? value);
}

async function events(tx: Tx, keys: SubjectKeys): Promise<number> {
  let count = 0;
  for (;;) {
    const rows = await tx.riskEvent.findMany({ where: { subject: { not: null } }, distinct: ['subject'], select: { subject: true }, take: BATCH });
    if (!rows.length) return count;
    for (const { subject } of rows) {
      const { count: n } = await tx.riskEvent.updateMany({ where: { subject }, data: { subjectKey: await keyOf(tx, keys, subject!), subject: null } });
      count += n;
    }
  }
}

async function lockouts(tx: Tx, keys: SubjectKeys): Promise<number> {
  const rows = await tx.riskLockout.findMany({ where: { key: { startsWith: 'user:' } } });
  for (const row of rows) {
    const key = personLockout(keys.ofName(normaliseName(row.key.slice('user:'.length))));
    const other = await tx.riskLockout.findUnique({ where: { key } });
    // two spellings of one name (case) may both have a row: the longer, higher one stays
    const keep = other && other.until >= row.until ? { ...other, level: Math.max(other.level, row.level) } : { ...row, key, level: Math.max(other?.level ?? 0, row.level) };
    await tx.riskLockout.delete({ where: { key: row.key } });
    await tx.riskLockout.upsert({ where: { key }, create: keep, update: keep });
  }
  return rows.length;
}

async function stepUps(tx: Tx, keys: SubjectKeys): Promise<number> {
  const rows = await tx.riskStepUp.findMany({ where: { NOT: { subject: { contains: ':' } } } });
  for (const row of rows) {
    const subject = stepUpSubject(keys.ofUser(row.subject));
    const other = await tx.riskStepUp.findUnique({ where: { subject } });
    await tx.riskStepUp.delete({ where: { subject: row.subject } });
    if (!other || other.since < row.since) await tx.riskStepUp.upsert({ where: { subject }, create: { ...row, subject }, update: { ...row, subject } });
  }
  return rows.length;
}
