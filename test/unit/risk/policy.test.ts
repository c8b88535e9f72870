import { loadConfig, ConfigError, parseScores, parseThresholds } from '../../../src/config/index.js';
import { decide, lockoutSeconds } from '../../../src/risk/index.js';

const thresholds = { record: 1, step_up: 50, lockout: 100, revoke_session: 150 };
const all = new Set(['step_up', 'lockout', 'revoke_session'] as const);

describe('risk policy', () => {
  it('maps the combined score to the strongest response reached', () => {
    expect(decide(0, thresholds, all)).toBe('allow');
    expect(decide(10, thresholds, all)).toBe('allow_and_record');
    expect(decide(60, thresholds, all)).toBe('step_up');
    expect(decide(100, thresholds, all)).toBe('lockout');
    expect(decide(500, thresholds, all)).toBe('revoke_session');
  });

  it('falls back to what is possible where the signal was observed', () => {
    expect(decide(500, thresholds, new Set(['lockout']))).toBe('lockout');
    expect(decide(60, thresholds, new Set(['lockout']))).toBe('allow_and_record');
    expect(decide(160, thresholds, new Set(['step_up']))).toBe('step_up');
  });

  it('doubles lockouts up to the maximum', () => {
    expect([1, 2, 3, 4, 10].map((l) => lockoutSeconds(l, 900, 3600))).toEqual([900, 1800, 3600, 3600, 3600]);
  });

  it('parses scores and thresholds, refusing unknown signals and unordered thresholds', () => {
    expect(parseScores('impossible_travel=70')?.impossible_travel).toBe(70);
    expect(parseScores('impossible_travel=70')?.login_failure).toBe(20);
    expect(parseScores('teleport=5')).toBeUndefined();
    expect(parseThresholds('record=1,step_up=60,lockout=50,revoke_session=150')).toBeUndefined();
    expect(parseThresholds('record=0,step_up=60,lockout=70,revoke_session=150')).toBeUndefined();
    expect(() => loadConfig({ RISK_THRESHOLDS: 'record=1' })).toThrow(ConfigError);
    expect(() => loadConfig({ RISK_DENY_IPS: '10.0.0.0/33' })).toThrow(/RISK_DENY_IPS/);
    expect(loadConfig({}).risk.maxSpeedKmh).toBe(900);
  });
});
