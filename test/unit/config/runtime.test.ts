import { checkRuntime, ConfigError } from '../../../src/config/index.js';

describe('checkRuntime', () => {
  it('accepts the LTS lines oidc-provider supports', () => {
    expect(() => checkRuntime({ version: 'v24.22.3', release: { lts: 'Krypton' } })).not.toThrow();
    expect(() => checkRuntime({ version: 'v22.23.5', release: { lts: 'Jod' } })).not.toThrow();
  });

  it('refuses Node 20, which is past its end of life, naming the runtime', () => {
    expect(() => checkRuntime({ version: 'v20.20.2', release: { lts: 'Iron' } })).toThrow(ConfigError);
    expect(() => checkRuntime({ version: 'v20.20.2', release: { lts: 'Iron' } })).toThrow(/^runtime Node\.js v20\.20\.2 is not supported/);
  });

  it('refuses current (non-LTS) releases', () => {
    expect(() => checkRuntime({ version: 'v25.1.0', release: {} })).toThrow(ConfigError);
    expect(() => checkRuntime({ version: 'v24.0.0', release: { lts: undefined } })).toThrow(ConfigError);
  });

  it('accepts the runtime this suite runs on', () => {
    expect(() => checkRuntime()).not.toThrow();
  });
});
