/**
 * One-time recovery codes for the second factor: shown once when TOTP is enrolled, each
 * accepted once in place of a code. 80 random bits each (16 base32 characters, grouped
 * by four), so a stored SHA-256 (salted with the user id) cannot be reversed by trying
 * them all; a used code's row is deleted, and of two requests racing with one code only
 * one deletes it.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '../storage/index.js';

export const RECOVERY_CODES = 10;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

const normalise = (code: string) => String(code ?? '').toLowerCase().replace(/[\s-]/g, '');
const digest = (userId: string, code: string) => createHash('sha256').update(`recovery-code\0${userId}\0${normalise(code)}`).digest('base64url');

function newCode(): string {
  const bytes = randomBytes(16);
  const chars = [...bytes].map((b) => ALPHABET[b & 31]).join('');
  return chars.match(/.{4}/g)!.join('-');
}

/** Replaces the user's recovery codes with new ones; answers them (show them once). */
export async function newRecoveryCodes(db: Database, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODES }, newCode);
  await db.prisma.$transaction([
    db.prisma.recoveryCode.deleteMany({ where: { userId } }),
    db.prisma.recoveryCode.createMany({ data: codes.map((c) => ({ hash: digest(userId, c), userId })) }),
  ]);
  return codes;
}

/** Uses a recovery code: true once per code. */
export async function useRecoveryCode(db: Database, userId: string, code: string): Promise<boolean> {
  if (!/^[a-z2-7]{16}$/.test(normalise(code))) return false;
  const { count } = await db.prisma.recoveryCode.deleteMany({ where: { userId, hash: digest(userId, code) } });
  return count === 1;
}

/** How many unused codes the user has. */
export const recoveryCodesLeft = (db: Database, userId: string): Promise<number> => db.prisma.recoveryCode.count({ where: { userId } });
