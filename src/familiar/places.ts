/**
 * Familiar places: the browsers (by a random device cookie) and networks (an address's
 * /24 or /48) a person signed in from within LOCKOUT_FAMILIAR_FOR. Entra ID's smart
 * lockout is the model: failures from unfamiliar places count apart from those from
 * familiar ones, so someone who knows a username can lock only their own side out.
 * Stored as HMACs of the person's subject key with the device id or network under a
 * deployment secret: the table holds no address, no name and no cookie value.
 */
import { createHmac } from 'node:crypto';
import type { Database } from '../storage/index.js';
import { coarseIp } from '../risk/index.js';

/** Where a sign-in attempt comes from: the device cookie's id, if any, and the client address. */
export interface Place { device?: string; ip?: string }

export interface FamiliarPlaces {
  /**
   * True when the person (by subject key) signed in from this browser or network recently,
   * or has no familiar place at all: until a first sign-in there is only one side to
   * count (the same for a name nobody has).
   */
  isFamiliar(subjectKey: string, place: Place): Promise<boolean>;
  /** After a successful sign-in: the browser and network are familiar for LOCKOUT_FAMILIAR_FOR more. */
  remember(subjectKey: string, place: Place): Promise<void>;
  /** Forgets every place of a person (erasure); answers how many. */
  forget(subjectKey: string): Promise<number>;
  /** Deletes expired rows (the purge job). */
  purge(now: Date): Promise<number>;
}

/** Creates the store; `secret` is the deployment secret `familiar-place` (at least 16 bytes). */
export function createFamiliarPlaces(deps: { db: Database; secret: Uint8Array; ttlSec: number; now?: () => number }): FamiliarPlaces {
  if (deps.secret.byteLength < 16) throw new TypeError('the familiar place secret must be at least 16 bytes');
  const { prisma } = deps.db;
  const now = deps.now ?? Date.now;
  const keysOf = (subjectKey: string, place: Place) => placeKeys(deps.secret, subjectKey, place);
  return {
    async isFamiliar(subjectKey, place) {
      const live = { subjectKey, expiresAt: { gt: new Date(now()) } };
      if (await prisma.familiarPlace.count({ where: live }) === 0) return true;
      const keys = keysOf(subjectKey, place);
      return keys.length > 0 && (await prisma.familiarPlace.count({ where: { ...live, key: { in: keys } } })) > 0;
    },
    async remember(subjectKey, place) {
      const expiresAt = new Date(now() + deps.ttlSec * 1000);
      for (const key of keysOf(subjectKey, place)) {
        await prisma.familiarPlace.upsert({ where: { key }, create: { key, subjectKey, expiresAt }, update: { expiresAt } });
      }
    },
    forget: async (subjectKey) => (await prisma.familiarPlace.deleteMany({ where: { subjectKey } })).count,
    purge: async (at) => (await prisma.familiarPlace.deleteMany({ where: { expiresAt: { lt: at } } })).count,
  };
}

function placeKeys(secret: Uint8Array, subjectKey: string, place: Place): string[] {
  const mac = (kind: string, value: string) => createHmac('sha256', secret).update(`${kind}\0${subjectKey}\0${value}`).digest('base64url');
  const net = place.ip ? coarseIp(place.ip) : undefined;
  return [
    ...(place.device ? [mac('device', place.device)] : []),
    ...(net ? [mac('net', net)] : []),
  ];
}
