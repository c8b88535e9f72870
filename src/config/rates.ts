import { parseDuration } from './duration.js';

/** A budget: `points` requests (or failures) per `duration` seconds. */
export interface Rate { points: number; duration: number }

/** What a limit is keyed on: the client address, the claimed client id, or the subject (login: the username). */
export type RateKey = 'ip' | 'client' | 'subject';

export type Rates = Partial<Record<RateKey, Rate>>;

const KEYS = new Set<string>(['ip', 'client', 'subject']);
const ITEM = /^(ip|client|subject)=(\d{1,9})\/(\d{1,9}[smhd]?)$/;

/**
 * Parses `ip=600/1m,client=300/1m` (key=points/duration, comma-separated; `off` or
 * empty for none). Returns undefined when malformed (a key twice, zero points, an
 * unknown key type, a zero duration).
 */
export function parseRates(text: string): Rates | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === 'off') return {};
  const rates: Rates = {};
  for (const item of trimmed.split(',')) {
    const match = ITEM.exec(item.trim());
    const duration = match ? parseDuration(match[3]) : undefined;
    if (!match || !KEYS.has(match[1]) || match[1] in rates || !duration || Number(match[2]) < 1) return undefined;
    rates[match[1] as RateKey] = { points: Number(match[2]), duration };
  }
  return rates;
}
