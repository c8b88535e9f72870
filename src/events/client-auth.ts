/**
 * HTTP Basic client authentication (RFC 6749 §2.3.1) for the event endpoints: the
 * receiver authenticates as its OAuth client. Secrets are compared in constant time,
 * and an unknown client costs the same comparison.
 */
import { InvalidClient } from '../errors/index.js';
import { verifyClientSecret } from '../registry/index.js';
import type { Database } from '../storage/index.js';

/** Returns the authenticated client id; throws InvalidClient. */
export async function authenticateClient(deps: { db: Database; clientPepper: Uint8Array }, header: string): Promise<string> {
  const match = /^Basic ([A-Za-z0-9+/=]{1,1024})$/i.exec(header);
  if (!match) throw new InvalidClient('no Basic credentials');
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) throw new InvalidClient('malformed Basic credentials');
  const [id, secret] = [safeDecode(decoded.slice(0, colon)), safeDecode(decoded.slice(colon + 1))];
  if (!id || secret === undefined || id.length > 128) throw new InvalidClient('malformed Basic credentials');
  const client = await deps.db.prisma.client.findUnique({ where: { id } });
  const stored = (client?.metadata as { client_secret?: unknown } | undefined)?.client_secret;
  // Compare even for an unknown client so timing does not reveal which ids exist.
  const ok = verifyClientSecret(deps.clientPepper, stored ?? 'pcs1$unknown', secret);
  if (!client) throw new InvalidClient('unknown client');
  if (!ok) throw new InvalidClient('bad client secret');
  return id;
}

function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

