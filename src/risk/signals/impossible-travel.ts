/**
 * Impossible travel: two consecutive uses of one subject (sign-in, token request,
 * introspection with the presenter's address) whose distance over elapsed time is
 * above RISK_MAX_SPEED_KMH. Uses from addresses without a place are skipped (they
 * neither signal nor replace the last known place). The last place is kept in memory and,
 * in cluster mode, shared with the other processes (bus.ts: `share` out, `record` in).
 */
import { distanceKm, locate, type Place } from '../geo.js';
import type { Signal } from '../types.js';
import type { Observation } from '../bus.js';

export interface TravelOptions { maxSpeedKmh: number; minKm: number; locate?: (ip: string) => Place | undefined; max?: number; share?: (o: Observation) => void }
export interface Use { subject: string; ip?: string; at: number }

/** Creates the signal. */
export function createImpossibleTravel(opts: TravelOptions) {
  const where = opts.locate ?? locate;
  const last = new Map<string, Place & { at: number }>();
  function remember(subject: string, place: Place & { at: number }): void {
    last.delete(subject);
    last.set(subject, place);
    if (last.size > (opts.max ?? 100_000)) last.delete(last.keys().next().value as string);
  }
  return {
    /** Another process's use (cluster mode): becomes the last place if it is the newest. */
    record(o: Extract<Observation, { kind: 'place' }>): void {
      const known = last.get(o.subject);
      if (!known || known.at <= o.at) remember(o.subject, { country: o.country, lat: o.lat, lon: o.lon, at: o.at });
    },
    observe(use: Use): Signal[] {
      const place = use.ip ? where(use.ip) : undefined;
      if (!place) return [];
      const before = last.get(use.subject);
      remember(use.subject, { ...place, at: use.at });
      opts.share?.({ kind: 'place', subject: use.subject, country: place.country, lat: place.lat, lon: place.lon, at: use.at });
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
