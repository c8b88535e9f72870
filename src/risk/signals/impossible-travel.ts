/**
 * Impossible travel: two consecutive uses of one subject (sign-in, token request,
 * introspection with the presenter's address) whose distance over elapsed time is
 * above RISK_MAX_SPEED_KMH. Uses from addresses without a place are skipped (they
 * neither signal nor replace the last known place). The last place is kept per process.
 */
import { distanceKm, locate, type Place } from '../geo.js';
import type { Signal } from '../types.js';

export interface TravelOptions { maxSpeedKmh: number; minKm: number; locate?: (ip: string) => Place | undefined; max?: number }
export interface Use { subject: string; ip?: string; at: number }

/** Creates the signal. */
export function createImpossibleTravel(opts: TravelOptions) {
  const where = opts.locate ?? locate;
  const last = new Map<string, Place & { at: number }>();
  return {
    observe(use: Use): Signal[] {
      const place = use.ip ? where(use.ip) : undefined;
      if (!place) return [];
      const before = last.get(use.subject);
      last.delete(use.subject);
      last.set(use.subject, { ...place, at: use.at });
      if (last.size > (opts.max ?? 100_000)) last.delete(last.keys().next().value as string);
      if (!before || use.at < before.at) return [];
      const km = distanceKm(before, place);
      if (km < opts.minKm) return [];
      const hours = Math.max(use.at - before.at, 1000) / 3_600_000;
      const kmh = km / hours;
      if (kmh <= opts.maxSpeedKmh) return [];
      return [{ name: 'impossible_travel', details: { km: Math.round(km), kmh: Math.round(kmh), from: before.country, to: place.country, minutes: Math.round((use.at - before.at) / 60_000) } }];
    },
  };
}
