/** README.md's lockout policy table is what the code does with the defaults: `config lockout-table` prints the same lines. */
import { readFileSync } from 'node:fs';
import { loadConfig, lockoutTable } from '../../../src/config/index.js';

const START = '<!-- lockout-table:start -->';
const END = '<!-- lockout-table:end -->';

describe('README lockout policy table', () => {
  it('matches the defaults (regenerate with: npm run --silent admin -- config lockout-table)', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const from = readme.indexOf(START);
    const to = readme.indexOf(END);
    expect(from).toBeGreaterThan(-1);
    expect(to).toBeGreaterThan(from);
    expect(readme.slice(from + START.length, to).trim().split('\n')).toEqual(lockoutTable(loadConfig({})));
  });

  it('states the numbers the code uses, and follows a changed setting', () => {
    const rows = lockoutTable(loadConfig({})).join('\n');
    expect(rows).toContain('10 wrong passwords in a row'); // THROTTLE_LOCKOUT_AFTER
    expect(rows).toContain('5 wrong passwords within 15m (login_failure 20 each, lockout at 100)'); // RISK_SCORES, RISK_THRESHOLDS
    expect(rows).toContain('1m, doubling, at most 15m');
    expect(rows).toContain('15m, doubling, at most 1d');
    expect(rows).toContain('within 90d'); // LOCKOUT_FAMILIAR_FOR
    const changed = lockoutTable(loadConfig({ THROTTLE_LOCKOUT_AFTER: '3', RISK_SCORES: 'login_failure=50', LOCKOUT_FAMILIAR_FOR: '30d' })).join('\n');
    expect(changed).toContain('3 wrong passwords in a row');
    expect(changed).toContain('2 wrong passwords within 15m');
    expect(changed).toContain('within 30d');
  });
});
