/**
 * What a permission name may look like. Permissions travel inside tokens and are
 * compared with scope tokens (RFC 6749 §3.3), so a name is one scope token: letters,
 * digits and `. _ ~ - /`, in one or more segments separated by `:`, no empty segment.
 * Examples: `invoices`, `invoices:read`, `documents:reports:export`.
 */
export const PERMISSION_PATTERN = /^[A-Za-z0-9._~/-]+(?::[A-Za-z0-9._~/-]+)*$/;
export const MAX_PERMISSION_LENGTH = 128;

/** True for a well-formed permission name. Safe on any input. */
export function isPermission(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_PERMISSION_LENGTH && PERMISSION_PATTERN.test(value);
}

/** Splits a space- or comma-separated list; duplicates removed, order kept. */
export function splitPermissions(value: string | undefined | null): string[] {
  return [...new Set((value ?? '').split(/[\s,]+/).filter(Boolean))];
}

/** The first malformed name in a list, described in one line, or undefined. */
export function permissionsProblem(names: string[]): string | undefined {
  const bad = names.find((n) => n.length > MAX_PERMISSION_LENGTH || !PERMISSION_PATTERN.test(n));
  if (bad === undefined) return undefined;
  return `invalid permission "${bad.slice(0, 40)}": use up to ${MAX_PERMISSION_LENGTH} characters of A-Z a-z 0-9 . _ ~ - / in segments separated by ':'`;
}
