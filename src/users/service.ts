/**
 * The user directory: add, list, enable, disable, delete, authenticate, and the TOTP
 * second factor. Passwords are only ever hashed (password.ts); TOTP secrets are kept
 * encrypted under the KEK, bound to the user's id.
 */
import { randomUUID } from 'node:crypto';
import { decryptSecret, encryptSecret } from '../keys/index.js';
import type { Database } from '../storage/index.js';
import { hashPassword, verifyPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './password.js';
import { newTotpSecret, totpStep, totpUri } from './totp.js';

export interface UserInput { username: string; password: string; permissions?: string[] }
export interface UserView {
  id: string; username: string; disabled: boolean; totp: boolean; permissions: string; createdAt: Date;
  /** the person turned device fingerprinting off for themselves */
  fingerprintOptOut: boolean;
}

export interface UserService {
  add(input: UserInput): Promise<UserView>;
  list(): Promise<UserView[]>;
  /** By id or username. */
  find(idOrName: string): Promise<UserView | undefined>;
  /** An enabled user by id (oidc-provider's findAccount). */
  findActive(id: string): Promise<UserView | undefined>;
  setDisabled(idOrName: string, disabled: boolean): Promise<UserView | undefined>;
  remove(idOrName: string): Promise<UserView | undefined>;
  /** The enabled user these credentials belong to; same work and same answer for every kind of failure. */
  authenticate(username: string, password: string): Promise<UserView | undefined>;
  /** Gives the user a new TOTP secret; returns the otpauth URI (show it once). */
  enrolTotp(idOrName: string): Promise<string | undefined>;
  /** Checks a code; a code (time step) already used is refused (RFC 6238 §5.2). */
  verifyTotp(id: string, code: string): Promise<boolean>;
  /** Records a successful sign-in (USER_INACTIVE_RETENTION counts from the last one). */
  signedIn(id: string): Promise<void>;
  /** Sets a new password (checked like at `user add`: throws TypeError naming the problem). */
  setPassword(id: string, password: string): Promise<void>;
  /** True when `password` is the user's current one (same work whatever the outcome). */
  checkPassword(id: string, password: string): Promise<boolean>;
  /** Removes the second factor (and its recovery codes). */
  removeTotp(id: string): Promise<void>;
  /**
   * Turns device fingerprinting off (true) or on for the person. Off deletes every
   * device profile of theirs (their change records go with them) in the same transaction.
   */
  setFingerprintOptOut(id: string, optOut: boolean): Promise<void>;
}

const USERNAME = /^[A-Za-z0-9._@+-]{1,64}$/;
const PERMISSION = /^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/;

/** Validates input; returns the problem in one line, or undefined. */
export function userProblem(input: UserInput): string | undefined {
  if (!USERNAME.test(input.username)) return 'username must be 1-64 characters of A-Z a-z 0-9 . _ @ + -';
  if (input.password.length < MIN_PASSWORD_LENGTH) return `password must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (input.password.length > MAX_PASSWORD_LENGTH) return `password must be at most ${MAX_PASSWORD_LENGTH} characters`;
  if ((input.permissions ?? []).some((p) => !PERMISSION.test(p))) return 'permissions must be scope-like tokens separated by spaces';
  return undefined;
}

type Row = { id: string; username: string; disabled: boolean; totpSecret: string | null; permissions: string; createdAt: Date; fingerprintOptOut: boolean };
const view = (r: Row): UserView => ({ id: r.id, username: r.username, disabled: r.disabled, totp: r.totpSecret !== null, permissions: r.permissions, createdAt: r.createdAt, fingerprintOptOut: r.fingerprintOptOut });
const totpAad = (id: string) => `user-totp:${id}`;

/** Creates the user service. */
export function createUserService(deps: { db: Database; kek: Uint8Array; issuer: string; now?: () => number }): UserService {
  const { prisma } = deps.db;
  const now = deps.now ?? Date.now;
  const whereIdOrName = (v: string) => ({ OR: [{ id: v }, { username: v }] });
  const findRow = (v: string) => (typeof v === 'string' && !v.includes('\u0000') ? prisma.user.findFirst({ where: whereIdOrName(v) }) : Promise.resolve(null));

  async function update(idOrName: string, data: { disabled?: boolean; totpSecret?: string; totpLastStep?: null }) {
    const row = await findRow(idOrName);
    return row ? view(await prisma.user.update({ where: { id: row.id }, data })) : undefined;
  }

  return {
    async add(input) {
      const problem = userProblem(input);
      if (problem) throw new TypeError(problem);
      if (await prisma.user.findUnique({ where: { username: input.username } })) throw new TypeError(`user ${input.username} already exists`);
      const passwordHash = await hashPassword(input.password);
      return view(await prisma.user.create({ data: { id: randomUUID(), username: input.username, passwordHash, permissions: (input.permissions ?? []).join(' ') } }));
    },
    list: async () => (await prisma.user.findMany({ orderBy: { username: 'asc' } })).map(view),
    find: async (v) => { const r = await findRow(v); return r ? view(r) : undefined; },
    async findActive(id) {
      if (typeof id !== 'string' || id.includes('\u0000')) return undefined;
      const r = await prisma.user.findUnique({ where: { id } });
      return r && !r.disabled ? view(r) : undefined;
    },
    setDisabled: (v, disabled) => update(v, { disabled }),
    async remove(v) {
      const r = await findRow(v);
      if (r) await prisma.user.delete({ where: { id: r.id } });
      return r ? view(r) : undefined;
    },
    async authenticate(username, password) {
      const r = typeof username === 'string' && USERNAME.test(username) ? await prisma.user.findUnique({ where: { username } }) : null;
      const ok = await verifyPassword(r?.passwordHash, typeof password === 'string' ? password : '');
      return ok && r && !r.disabled ? view(r) : undefined;
    },
    async enrolTotp(v) {
      const r = await findRow(v);
      if (!r) return undefined;
      const secret = newTotpSecret();
      await update(r.id, { totpSecret: encryptSecret(deps.kek, Buffer.from(secret), totpAad(r.id)), totpLastStep: null });
      return totpUri(new URL(deps.issuer).host, r.username, secret);
    },
    async verifyTotp(id, code) {
      const r = await prisma.user.findUnique({ where: { id } });
      if (!r?.totpSecret || r.disabled) return false;
      const secret = Buffer.from(decryptSecret(deps.kek, r.totpSecret, totpAad(r.id))).toString('utf8');
      const step = totpStep(secret, String(code ?? '').trim(), now());
      if (step === undefined) return false;
      // Conditional update: of two requests racing with the same code, one wins.
      const { count } = await prisma.user.updateMany({ where: { id, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] }, data: { totpLastStep: step } });
      return count === 1;
    },
    async setPassword(id, password) {
      const row = await prisma.user.findUnique({ where: { id } });
      if (!row) throw new TypeError('no such user');
      const problem = userProblem({ username: row.username, password });
      if (problem) throw new TypeError(problem);
      await prisma.user.update({ where: { id }, data: { passwordHash: await hashPassword(password) } });
    },
    async checkPassword(id, password) {
      const r = typeof id === 'string' ? await prisma.user.findUnique({ where: { id } }) : null;
      return verifyPassword(r?.passwordHash, typeof password === 'string' ? password : '');
    },
    async removeTotp(id) {
      await prisma.$transaction([
        prisma.user.update({ where: { id }, data: { totpSecret: null, totpLastStep: null } }),
        prisma.recoveryCode.deleteMany({ where: { userId: id } }),
      ]);
    },
    async setFingerprintOptOut(id, optOut) {
      await prisma.$transaction([
        prisma.user.update({ where: { id }, data: { fingerprintOptOut: optOut } }),
        ...(optOut ? [prisma.fingerprintProfile.deleteMany({ where: { userId: id } })] : []),
      ]);
    },
    async signedIn(id) {
      await prisma.user.updateMany({ where: { id }, data: { lastSignInAt: new Date(now()) } });
    },
  };
}
