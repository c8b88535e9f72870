/**
 * The permissions a token may carry: those granted to its subject that are also
 * within the token's granted scope, never more.
 *
 * The rule. A permission P is within a scope S (a space-separated list of scope
 * tokens, RFC 6749 §3.3) when S contains
 *   - P itself (scope `invoices:read` covers permission `invoices:read`), or
 *   - P's first segment, the part before its first `:` (scope `invoices` covers
 *     `invoices:read` and `invoices:lines:write`, but not `invoicesx:read`).
 * Nothing else matches: there are no wildcards, a longer scope never covers a
 * shorter permission (`invoices:read` does not cover `invoices`), and a middle prefix
 * (`invoices:lines`) is not a covering scope for `invoices:lines:write`.
 * Malformed permission names (see permission.ts) are dropped, never emitted.
 */
import { isPermission } from './permission.js';

/** Granted ∩ scope under the rule above; sorted and without duplicates. */
export function narrowPermissions(granted: Iterable<unknown>, scope: string | undefined): string[] {
  const scopes = new Set(typeof scope === 'string' ? scope.split(' ').filter(Boolean) : []);
  const kept = new Set<string>();
  for (const permission of granted) {
    if (isPermission(permission) && withinScope(permission, scopes)) kept.add(permission);
  }
  return [...kept].sort();
}

/** True when the scope set covers the (well-formed) permission. */
export function withinScope(permission: string, scopes: ReadonlySet<string>): boolean {
  if (scopes.has(permission)) return true;
  const colon = permission.indexOf(':');
  return colon > 0 && scopes.has(permission.slice(0, colon));
}
