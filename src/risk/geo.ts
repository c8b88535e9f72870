/**
 * Where an address is: geoip-lite's GeoLite data (shipped inside the npm package, so it
 * works offline). Private, loopback, link-local and unknown addresses have no place.
 * The data (tens of MB) loads on the first lookup, not at start-up.
 * A MaxMind .mmdb file is not offered: reading one needs a reader package we do not carry.
 */
import { createRequire } from 'node:module';
import { BlockList, isIP } from 'node:net';

export interface Place { country: string; lat: number; lon: number }
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

/** The address's approximate place, or undefined (private, loopback, not in the data). */
export function locate(ip: string | undefined): Place | undefined {
  if (!ip || !isPublic(ip)) return undefined;
  geoip ??= createRequire(import.meta.url)('geoip-lite') as GeoIp;
  const hit = geoip.lookup(ip);
  if (!hit || !Array.isArray(hit.ll) || (hit.ll[0] === 0 && hit.ll[1] === 0)) return undefined;
  return { country: hit.country, lat: hit.ll[0], lon: hit.ll[1] };
}

/** Great-circle distance in km (haversine). */
export function distanceKm(a: Place, b: Place): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const h = Math.sin(rad(b.lat - a.lat) / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(rad(b.lon - a.lon) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}
