/** Role names: short identifiers, so they read well in CLI output and change records. */
const ROLE_NAME = /^[A-Za-z0-9._~-]{1,64}$/;

/** Validates a role name; returns the problem in one line, or undefined. */
export function roleNameProblem(name: string): string | undefined {
  return ROLE_NAME.test(name) ? undefined : 'role name must be 1-64 characters of A-Z a-z 0-9 . _ ~ -';
}
