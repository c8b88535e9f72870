/**
 * Impossible travel: two consecutive uses of one subject (sign-in, token request,
 * introspection with the presenter's address) whose distance over elapsed time is
 * above RISK_MAX_SPEED_KMH. Uses from addresses without a place are skipped (they
 * neither signal nor replace the last known place). The last place lives in the risk
 * memory (shared by every process in cluster mode) for as long as a trip from it could
 * still be impossible: half the Earth's circumference at RISK_MAX_SPEED_KMH.
 */
import { distanceKm, locate, type Place } from '../geo.js';
import { createLocalMemory, type RiskMemory } from '../memory/index.js';
import type { Signal } from '../types.js';

export interface TravelOptions { maxSpeedKmh: number; minKm: number; locate?: (ip: string) => Place | undefined; memory?: RiskMemory }
export interface Use { subject: string; ip?: string; at: number }

/** The longest great-circle distance, km (half the Earth's mean circumference). */
const FARTHEST_KM = 20_016;

/** Creates the signal. */
export function createImpossibleTravel(opts: TravelOptions) {
  const where = opts.locate ?? locate;
  const memory = opts.memory ?? createLocalMemory();
  const keepMs = (FARTHEST_KM / opts.maxSpeedKmh) * 3_600_000;
  return {
    async observe(use: Use): Promise<Signal[]> {
      const place = use.ip ? where(use.ip) : undefined;
      if (!place) return [];
      const before = await memory.swapPlace(use.subject, { country: place.country, lat: place.lat, lon: place.lon, at: use.at }, keepMs);
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
