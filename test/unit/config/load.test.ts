import { ConfigError, loadConfig } from '../../../src/config/index.js';

describe('loadConfig', () => {
  it('gives the documented embedded defaults when nothing is set', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ mode: 'embedded', port: 3000, host: '127.0.0.1', issuer: 'http://localhost:3000', dataDir: './data', accessTokenTtl: 900, clockTolerance: 30, signingAlg: 'ES256' });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('derives the issuer from PORT and strips a trailing slash from ISSUER', () => {
    expect(loadConfig({ PORT: '4100' }).issuer).toBe('http://localhost:4100');
    expect(loadConfig({ ISSUER: 'https://auth.example/' }).issuer).toBe('https://auth.example');
  });

  it('switches to cluster mode with DATABASE_URL and then requires PORTCULLIS_KEK', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgresql://h/db' })).toThrow(/PORTCULLIS_KEK/);
    expect(loadConfig({ DATABASE_URL: 'postgresql://h/db', PORTCULLIS_KEK: 'a'.repeat(64) }).mode).toBe('cluster');
  });

  it.each([
    ['PORT', 'abc'], ['PORT', '70000'], ['ISSUER', 'ftp://x'], ['ISSUER', 'https://a.example/?q=1'],
    ['DATABASE_URL', 'mysql://x'], ['REDIS_URL', 'http://x'], ['PORTCULLIS_KEK', 'too-short'], ['PORTCULLIS_KEK', 'g'.repeat(64)], ['SIGNING_ALG', 'HS256'],
    ['ACCESS_TOKEN_TTL', '-5'], ['ACCESS_TOKEN_TTL', '1.5h'], ['LOG_LEVEL', 'loud'], ['METRICS_TOKEN', 'short'], ['DATABASE_SCHEMA', 'Robert"; drop'],
  ])('refuses %s=%s with an error naming the variable', (name, value) => {
    let caught: unknown;
    try { loadConfig({ [name]: value }); } catch (err) { caught = err; }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe(name);
    expect((caught as Error).message.startsWith(name)).toBe(true);
  });

  it('parses durations in s, m, h and d', () => {
    expect(loadConfig({ ACCESS_TOKEN_TTL: '2h', MASTER_SECRET_ROTATION: '7d', CLOCK_TOLERANCE: '5' })).toMatchObject({ accessTokenTtl: 7200, masterSecretRotation: 604800, clockTolerance: 5 });
  });
});
