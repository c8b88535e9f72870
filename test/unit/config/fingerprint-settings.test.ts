/** FINGERPRINT_* settings: defaults, component lists, and bad values naming the variable. */
import { ConfigError, loadConfig } from '../../../src/config/index.js';

describe('fingerprint settings', () => {
  it('has documented defaults', () => {
    expect(loadConfig({}).fingerprint).toEqual({ components: 'all', highEntropy: true, match: 0.95, drift: 0.85, retention: 30 * 86_400, mismatch: 'inactive' });
  });

  it('accepts a component list and switches high entropy off', () => {
    expect(loadConfig({ FINGERPRINT_COMPONENTS: 'platform, timezone,ip', FINGERPRINT_HIGH_ENTROPY: 'false' }).fingerprint).toMatchObject({ components: ['platform', 'timezone', 'ip'], highEntropy: false });
  });

  it.each([
    ['FINGERPRINT_COMPONENTS', { FINGERPRINT_COMPONENTS: 'platform,keystrokes' }, /unknown: keystrokes/],
    ['FINGERPRINT_MATCH', { FINGERPRINT_MATCH: '1.5' }, /FINGERPRINT_MATCH/],
    ['FINGERPRINT_DRIFT', { FINGERPRINT_DRIFT: '0.97' }, /must not be greater than FINGERPRINT_MATCH/],
    ['FINGERPRINT_RETENTION', { FINGERPRINT_RETENTION: 'forever' }, /duration/],
    ['FINGERPRINT_MISMATCH', { FINGERPRINT_MISMATCH: 'ignore' }, /FINGERPRINT_MISMATCH/],
  ])('refuses a bad %s', (name, env, message) => {
    let caught: unknown;
    try { loadConfig(env); } catch (err) { caught = err; }
    expect(caught).toBeInstanceOf(ConfigError);
    expect(String((caught as Error).message)).toMatch(name);
    expect(String((caught as Error).message)).toMatch(message);
  });
});
