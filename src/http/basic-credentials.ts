/**
 * RFC 6749 §2.3.1 client credentials in an `Authorization: Basic` header (RFC 7617),
 * read once per request: the risk gate and the throttle gate key on the claimed
 * client id, the introspection fast path authenticates with it. Nothing here is
 * verified; the id and secret are form-urlencoded before base64, so both are decoded.
 */
import type { Context } from 'koa';

export interface BasicCredentials {
  /** the decoded client id; undefined when its percent-encoding is malformed */
  id: string | undefined;
  /** the id as sent inside the base64 (a throttle key even when malformed) */
  rawId: string;
  /** the decoded secret; undefined when malformed */
  secret: string | undefined;
  /** exactly the form oidc-provider accepts: one space after the scheme, base64 padded right, printable ASCII id and non-empty secret */
  canonical: boolean;
}

const HEADER = /^basic( +)([A-Za-z0-9+/=._~-]+)$/i;
const BASE64 = /^([A-Za-z0-9+/]+)(={0,2})$/;
const VSCHAR = /^[\x20-\x7E]*$/; // RFC 6749 Appendix A

/** The request's Basic credentials (parsed on the first call), or undefined without a usable header. */
export function basicCredentials(ctx: Pick<Context, 'get' | 'state'>): BasicCredentials | undefined {
  const cached = ctx.state.basicCredentials as BasicCredentials | null | undefined;
  if (cached !== undefined) return cached ?? undefined;
  const parsed = parseBasic(ctx.get('authorization'));
  ctx.state.basicCredentials = parsed ?? null;
  return parsed;
}

/** Basic credentials in any header value (another header than Authorization: a gateway's own). */
export function parseBasic(header: string): BasicCredentials | undefined {
  const match = HEADER.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[2], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) return undefined;
  const rawId = decoded.slice(0, colon);
  const id = formDecode(rawId);
  const secret = formDecode(decoded.slice(colon + 1));
  const printable = id !== undefined && secret !== undefined && secret !== '' && VSCHAR.test(id) && VSCHAR.test(secret);
  return { id, rawId, secret, canonical: match[1].length === 1 && printable && padded(match[2]) };
}

/** Base64 whose padding, if any, completes the last quantum (RFC 4648 §4), and no lone trailing character. */
function padded(value: string): boolean {
  const m = BASE64.exec(value);
  if (!m) return false;
  const remainder = m[1].length % 4;
  return m[2] ? remainder !== 0 && m[2].length === 4 - remainder : remainder !== 1;
}

function formDecode(value: string): string | undefined {
  if (!value.includes('%') && !value.includes('+')) return value; // nothing to decode
  try {
    return decodeURIComponent(value.replace(/\+/g, '%20'));
  } catch {
    return undefined;
  }
}
