import { ConfigError, loadConfig, parseRates } from '../../../src/config/index.js';

describe('throttle settings', () => {
  it('parses key=points/duration lists, and off', () => {
    expect(parseRates('ip=600/1m, client=300/60')).toEqual({ ip: { points: 600, duration: 60 }, client: { points: 300, duration: 60 } });
    expect(parseRates('subject=5/1h')).toEqual({ subject: { points: 5, duration: 3600 } });
    expect(parseRates('off')).toEqual({});
  });

  it.each(['ip=0/1m', 'ip=5/0', 'ip=5', 'user=5/1m', 'ip=5/1m,ip=6/1m', 'ip=-1/1m', 'ip=5/1w'])('refuses %s', (text) => {
    expect(parseRates(text)).toBeUndefined();
  });

  it('has the documented defaults (anchors: Auth0/Entra 10 failures, Entra 1 minute first, Keycloak 15 minutes max)', () => {
    const { throttle, trustedProxies } = loadConfig({});
    expect(throttle.enabled).toBe(true);
    expect(throttle.lockout).toEqual({ after: 10, first: 60, max: 900, reset: 43200 });
    expect(throttle.limits.token.requests).toEqual({ ip: { points: 600, duration: 60 }, client: { points: 300, duration: 60 } });
    expect(throttle.limits.login.failures.subject).toEqual({ points: 30, duration: 3600 });
    expect(trustedProxies).toEqual([]);
  });

  it('reads THROTTLE_ENABLED, TRUSTED_PROXIES and per-endpoint lists', () => {
    const c = loadConfig({ THROTTLE_ENABLED: 'false', TRUSTED_PROXIES: '10.0.0.1, 10.1.0.0/16,fd00::/8', THROTTLE_REVOKE: 'off' });
    expect(c.throttle.enabled).toBe(false);
    expect(c.trustedProxies).toEqual(['10.0.0.1', '10.1.0.0/16', 'fd00::/8']);
    expect(c.throttle.limits.revoke.requests).toEqual({});
  });

  it.each([
    ['THROTTLE_TOKEN', 'ip=lots'], ['THROTTLE_ENABLED', 'maybe'], ['TRUSTED_PROXIES', '10.0.0.300'],
    ['TRUSTED_PROXIES', '10.0.0.0/33'], ['TRUSTED_PROXIES', 'proxy.example'], ['THROTTLE_LOCKOUT_AFTER', '-1'],
  ])('refuses %s=%s naming the variable', (name, value) => {
    let caught: unknown;
    try { loadConfig({ [name]: value }); } catch (err) { caught = err; }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe(name);
  });
});
