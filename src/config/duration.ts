const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/**
 * Parses `900`, `900s`, `15m`, `12h` or `30d` into whole seconds.
 * Returns undefined for anything else (including negative or fractional values).
 */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,9})([smhd]?)$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNITS[match[2] || 's'];
}

const MS_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/** Parses `250ms`, `2s` or `1m` (a deadline) into milliseconds; a bare number is milliseconds. */
export function parseMillis(text: string): number | undefined {
  const match = /^(\d{1,9})(ms|s|m)?$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * MS_UNITS[match[2] || 'ms'];
}
