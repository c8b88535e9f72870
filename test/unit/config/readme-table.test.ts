/** README.md's configuration table is exactly what `config table` prints: no setting undocumented, none stale. */
import { readFileSync } from 'node:fs';
import { configTable } from '../../../src/config/index.js';

const START = '<!-- config-table:start -->';
const END = '<!-- config-table:end -->';

describe('README configuration table', () => {
  it('matches the settings (regenerate with: npm run admin -- config table)', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const from = readme.indexOf(START);
    const to = readme.indexOf(END);
    expect(from).toBeGreaterThan(-1);
    expect(to).toBeGreaterThan(from);
    const table = readme.slice(from + START.length, to).trim().split('\n');
    expect(table).toEqual(configTable());
  });
});
