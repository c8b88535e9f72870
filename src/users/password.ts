/**
 * Password hashing with Argon2id (RFC 9106) through @node-rs/argon2: a prebuilt
 * native binding shipped inside the registry package, so installs need no build
 * step and no install script. Parameters are the package defaults (OWASP's
 * 19 MiB, t=2, p=1 profile), recorded in each hash so they can be raised later.
 */
import { hash, verify } from '@node-rs/argon2';

// Algorithm.Argon2id (a const enum, which isolatedModules cannot import).
const ARGON2ID = 2;

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 1024;

/** Hashes a password (Argon2id, random salt, PHC string). */
export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: ARGON2ID });
}

let dummy: Promise<string> | undefined;

/**
 * Verifies a password. With no stored hash (unknown user) it still verifies against
 * a dummy hash, so the answer takes as long either way and the timing does not tell
 * whether the username exists.
 */
export async function verifyPassword(stored: string | undefined, password: string): Promise<boolean> {
  dummy ??= hashPassword('portcullis-dummy-password');
  const target = stored ?? await dummy;
  const candidate = password.length > MAX_PASSWORD_LENGTH ? password.slice(0, MAX_PASSWORD_LENGTH) : password;
  let ok = false;
  try {
    ok = await verify(target, candidate);
  } catch {
    ok = false;
  }
  return ok && stored !== undefined;
}
