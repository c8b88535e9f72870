import { createPatterns } from '../../../src/risk/index.js';

const T0 = Date.UTC(2026, 11, 2, 12, 0, 0);

describe('malicious patterns', () => {
  it('signals one token presented from three addresses within the window, once per new presenter', async () => {
    const p = createPatterns({ replayIps: 3, replayWindowSec: 300, burst: 5, burstWindowSec: 60 });
    expect(await p.presented('j1', '203.0.113.1', undefined, T0)).toEqual([]);
    expect(await p.presented('j1', '203.0.113.1', undefined, T0 + 1000)).toEqual([]);
    expect(await p.presented('j1', '203.0.113.2', undefined, T0 + 2000)).toEqual([]);
    expect((await p.presented('j1', '203.0.113.3', undefined, T0 + 3000)).map((s) => s.name)).toEqual(['token_replay']);
    expect(await p.presented('j1', '203.0.113.3', undefined, T0 + 4000)).toEqual([]);
    expect(await p.presented('j2', '203.0.113.9', undefined, T0 + 5000)).toEqual([]);
  });

  it('does not count presenters outside the window', async () => {
    const p = createPatterns({ replayIps: 2, replayWindowSec: 60, burst: 5, burstWindowSec: 60 });
    await p.presented('j', '203.0.113.1', undefined, T0);
    expect(await p.presented('j', '203.0.113.2', undefined, T0 + 120_000)).toEqual([]);
  });

  it('signals a burst of inactive tokens from one caller once', async () => {
    const p = createPatterns({ replayIps: 3, replayWindowSec: 300, burst: 3, burstWindowSec: 60 });
    const names: string[][] = [];
    for (const i of [0, 1, 2, 3]) names.push((await p.invalidToken('rs', T0 + i * 1000)).map((s) => s.name));
    expect(names).toEqual([[], [], ['invalid_token_burst'], []]);
    expect(await p.invalidToken('other', T0)).toEqual([]);
  });
});
