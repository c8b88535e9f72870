/**
 * The lockout policy as one Markdown table: every lockout a person or client can meet,
 * what it counts, when it starts, how long it lasts and which settings change it, with
 * the values of the configuration given (the defaults for README.md, which carries it
 * between its lockout-table markers; `npm run admin -- config lockout-table` prints it
 * and a test keeps the two equal).
 */
import type { Config } from './load.js';

/** Seconds in the units the settings use (90d, 15m, 24h). */
function span(seconds: number): string {
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60]] as const) if (seconds % size === 0 && seconds >= size) return `${seconds / size}${unit}`;
  return `${seconds}s`;
}

export function lockoutTable(c: Config): string[] {
  const t = c.throttle.lockout;
  const r = c.risk;
  const guesses = r.scores.login_failure > 0 ? Math.ceil(r.thresholds.lockout / r.scores.login_failure) : undefined;
  const throttleWait = `${span(t.first)}, doubling, at most ${span(t.max)}`;
  const riskWait = `${span(r.lockoutFirst)}, doubling, at most ${span(r.lockoutMax)}`;
  const sides = `the username, counted apart for its familiar side (a browser or network it signed in from within ${span(c.lockoutFamiliarFor)}) and everyone else`;
  return [
    '| Lockout | Counted per | Starts after | Lasts | Forgotten | Ended early by | Settings |',
    '|---|---|---|---|---|---|---|',
    `| Login form, guesses | ${sides} | ${t.after} wrong passwords in a row | ${throttleWait} | at a sign-in on that side, or after ${span(t.reset)} without a failure | a wait only | \`THROTTLE_LOCKOUT_AFTER\`, \`THROTTLE_LOCKOUT_FIRST\`, \`THROTTLE_LOCKOUT_MAX\`, \`THROTTLE_LOCKOUT_RESET\`, \`LOCKOUT_FAMILIAR_FOR\` |`,
    `| Login form, risk score | ${sides} | ${guesses ? `${guesses} wrong passwords within ${span(r.scoreWindow)}` : 'never (login_failure scores 0)'} (login_failure ${r.scores.login_failure} each, lockout at ${r.thresholds.lockout}) | ${riskWait} | the doubling, ${span(r.lockoutMax)} after a lockout ended | a password reset by e-mail, or \`user unlock\` | \`RISK_SCORES\`, \`RISK_THRESHOLDS\`, \`RISK_SCORE_WINDOW\`, \`RISK_LOCKOUT_FIRST\`, \`RISK_LOCKOUT_MAX\`, \`LOCKOUT_FAMILIAR_FOR\` |`,
    `| A person's tokens and sign-in | the person (their familiar side) | a risk score of ${r.thresholds.lockout} within ${span(r.scoreWindow)} from token replay, refresh token reuse, impossible travel or fingerprint changes | ${riskWait} | as above | a password reset by e-mail, or \`user unlock\` | \`RISK_SCORES\`, \`RISK_THRESHOLDS\`, \`RISK_LOCKOUT_FIRST\`, \`RISK_LOCKOUT_MAX\` |`,
    `| Second-factor form | the user | ${t.after} wrong codes in a row (a sign-in also ends after 5) | ${throttleWait} | at a right code, or after ${span(t.reset)} | a wait only | \`THROTTLE_LOCKOUT_*\` |`,
    `| Clients at /token, /introspect, /revoke, /request, the event endpoints and the gateway check | the client id | ${t.after} failed client authentications in a row | ${throttleWait} | at a success, or after ${span(t.reset)} | the admin API: \`DELETE /admin/v1/lockouts/clients/<id>\` | \`THROTTLE_LOCKOUT_*\` |`,
    `| Clients, risk score | the client id | a risk score of ${r.thresholds.lockout} (DPoP proof replay, token replay) | ${riskWait} | as above | \`client unlock\`, or the admin API as above | \`RISK_SCORES\`, \`RISK_THRESHOLDS\`, \`RISK_LOCKOUT_FIRST\`, \`RISK_LOCKOUT_MAX\` |`,
  ];
}
