/**
 * Who made a change, as the audit trail names them: an admin API client by its client
 * id, or the admin CLI with the operating system user who ran it. The address (API
 * only) is never stored: a keyed hash to correlate and the /24 or /48 network to read,
 * as the security event log keeps addresses (src/risk/event-log.ts).
 */
import { createHmac } from 'node:crypto';
import { isIP } from 'node:net';
import { userInfo } from 'node:os';
import { coarseIp } from '../risk/index.js';

export interface Actor {
  /** `client:<id>` or `cli:<OS user>` */
  who: string;
  /** the caller's address (API) */
  ip?: string;
}

/** The admin CLI run by the current OS user. */
export function cliActor(): Actor {
  let name = 'unknown';
  try { name = userInfo().username; } catch { /* no passwd entry (containers): still the CLI */ }
  return { who: `cli:${name}` };
}

/** An admin API client. */
export const clientActor = (clientId: string, ip: string | undefined): Actor => ({ who: `client:${clientId}`, ip });

/** The stored form of the actor's address: keyed hash and network, or nulls. */
export function addressOf(actor: Actor, pepper: Uint8Array): { ipHash: string | null; ipCoarse: string | null } {
  const ip = actor.ip && isIP(actor.ip) ? actor.ip : undefined;
  if (!ip) return { ipHash: null, ipCoarse: null };
  return { ipHash: createHmac('sha256', pepper).update(ip).digest('base64url').slice(0, 22), ipCoarse: coarseIp(ip) ?? null };
}
