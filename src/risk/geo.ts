/**
 * Where an address is. By default geoip-lite's GeoLite data (shipped inside the npm
 * package, so it works offline; tens of MB, loaded on the first lookup). With
 * RISK_GEOIP_DB, a MaxMind DB file (GeoIP2 / GeoLite2 City) read at start-up with
 * mmdb-lib. Private, loopback, link-local and unknown addresses have no place.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { BlockList, isIP } from 'node:net';
import { Reader, type CityResponse } from 'mmdb-lib';
import { ConfigError } from '../config/index.js';

export interface Place { country: string; lat: number; lon: number }
export type Locate = (ip: string | undefined) => Place | undefined;
type GeoIp = { lookup(ip: string): { country: string; ll: [number, number] } | null };

const NOT_PUBLIC = new BlockList();
for (const [net, bits] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16], ['224.0.0.0', 3]] as const) NOT_PUBLIC.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [['::', 127], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) NOT_PUBLIC.addSubnet(net, bits, 'ipv6');

let geoip: GeoIp | undefined;

/** True for addresses that can be located (public unicast). */
export function isPublic(ip: string): boolean {
  const family = isIP(ip);
  return family !== 0 && !NOT_PUBLIC.check(ip, family === 6 ? 'ipv6' : 'ipv4');
}

/** The address's approximate place from geoip-lite's data, or undefined. */
export const locate: Locate = (ip) => {
  if (!ip || !isPublic(ip)) return undefined;
  geoip ??= createRequire(import.meta.url)('geoip-lite') as GeoIp;
  const hit = geoip.lookup(ip);
  if (!hit || !Array.isArray(hit.ll) || (hit.ll[0] === 0 && hit.ll[1] === 0)) return undefined;
  return { country: hit.country, lat: hit.ll[0], lon: hit.ll[1] };
};

/** The locator for RISK_GEOIP_DB (a MaxMind DB file), or geoip-lite's without one. Throws ConfigError on a bad file. */
export function createLocator(mmdbPath?: string): Locate {
  if (!mmdbPath) return locate;
  let reader: Reader<CityResponse>;
  try {
    reader = new Reader<CityResponse>(readFileSync(mmdbPath));
  } catch (err) {
    throw new ConfigError('RISK_GEOIP_DB', `cannot read ${mmdbPath} as a MaxMind DB: ${(err as Error).message}`);
  }
  return (ip) => {
    if (!ip || !isPublic(ip)) return undefined;
    let hit: CityResponse | null;
    try { hit = reader.get(ip); } catch { return undefined; } // e.g. an IPv6 address in an IPv4-only file
    const { latitude, longitude } = hit?.location ?? {};
    if (typeof latitude !== 'number' || typeof longitude !== 'number') return undefined;
    return { country: hit?.country?.iso_code ?? hit?.registered_country?.iso_code ?? '', lat: latitude, lon: longitude };
  };
}

/** Great-circle distance in km (haversine). */
export function distanceKm(a: Place, b: Place): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const h = Math.sin(rad(b.lat - a.lat) / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(rad(b.lon - a.lon) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}
