/**
 * Authorization server policy for authorization details (RFC 9396 §5, §6): which of
 * the details a client asked for (each already valid for its type) a token may carry.
 *   - at most MAX_DETAILS details per request;
 *   - `locations`, when present, may name only the token's audience: a detail never
 *     authorizes anything at another resource server;
 *   - the subject must hold every permission the detail requires (detail-types.ts).
 */
import { requiredPermissions, type AuthorizationDetail } from './detail-types.js';

export const MAX_DETAILS = 10;

export interface DetailContext { audience: string | undefined; granted: Iterable<string> }

/** Why one detail may not be granted, or undefined when it may. */
export function detailRefusal(detail: AuthorizationDetail, context: DetailContext): string | undefined {
  if (detail.locations?.some((l) => l !== context.audience)) return `${detail.type}: locations must name only the requested resource`;
  const held = new Set(context.granted);
  if (requiredPermissions(detail).some((p) => !held.has(p))) return `${detail.type}: not granted to this subject`;
  return undefined;
}

/** The first refusal among a request's details (indexed), or undefined when all may be granted. */
export function detailsRefusal(details: AuthorizationDetail[], context: DetailContext): string | undefined {
  if (details.length > MAX_DETAILS) return `at most ${MAX_DETAILS} authorization details per request`;
  for (const [i, detail] of details.entries()) {
    const refusal = detailRefusal(detail, context);
    if (refusal) return `${refusal} (authorization details index ${i})`;
  }
  return undefined;
}
