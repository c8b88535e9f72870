/** Retention settings of docs/privacy.md: documented defaults, `off`, and the one rule between them. */
import { ConfigError, loadConfig } from '../../../src/config/index.js';

describe('privacy settings', () => {
  it('default to 14-day sessions, 90 days of permission changes, a year of privacy audit and of admin audit, and no inactivity erasure', () => {
    const c = loadConfig({});
    expect(c.sessionTtl).toBe(14 * 86_400);
    expect(c.privacy).toEqual({ permissionChangeRetention: 90 * 86_400, auditRetention: 365 * 86_400, adminAuditRetention: 365 * 86_400, inactiveUserRetention: undefined });
  });

  it('take a duration for USER_INACTIVE_RETENTION, which must outlast SESSION_TTL', () => {
    expect(loadConfig({ USER_INACTIVE_RETENTION: '400d' }).privacy.inactiveUserRetention).toBe(400 * 86_400);
    expect(loadConfig({ USER_INACTIVE_RETENTION: 'off' }).privacy.inactiveUserRetention).toBeUndefined();
    for (const bad of [{ USER_INACTIVE_RETENTION: '14d' }, { USER_INACTIVE_RETENTION: '3d', SESSION_TTL: '7d' }, { USER_INACTIVE_RETENTION: 'never' }, { USER_INACTIVE_RETENTION: '0' }]) {
      let caught: unknown;
      try { loadConfig(bad); } catch (err) { caught = err; }
      expect(caught).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).variable).toBe('USER_INACTIVE_RETENTION');
    }
  });
});
